/*
 * Red-black tree: thousands of random inserts and erases, with the tree's
 * invariants (order, parent links, no red-red edge, equal black height,
 * red-free root) and its contents against a sorted reference after each one.
 * Augmented: the same with a per-node summary (the largest value in the
 * subtree), values also changed in place; after every step each summary
 * equals the brute-force one, and a search guided by the summaries finds
 * what a linear scan finds.
 */
#include "kit_test.h"
#include <klib/rbtree.h>
#include <stdlib.h>
#include <string.h>

#define N 2000

struct item {
	struct rb_node node;
	int key;
	bool in;
};

static struct item items[N];
static struct rb_root root;

static void insert(struct item *it)
{
	struct rb_node **link = &root.node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = it->key < rb_entry(parent, struct item, node)->key ? &parent->left
		                                                          : &parent->right;
	}
	rb_link(&it->node, parent, link);
	rb_insert_fixup(&root, &it->node);
	it->in = true;
}

/* Black height of the subtree, checking every invariant on the way. */
static int check(const struct rb_node *n, const struct rb_node *parent, int lo, int hi)
{
	if (!n)
		return 1;
	const struct item *it = rb_entry(n, struct item, node);
	assert_ptr_equal(n->parent, parent);
	assert_true(it->key >= lo && it->key <= hi);
	if (n->red) {
		assert_false(n->left && n->left->red);
		assert_false(n->right && n->right->red);
	}
	int l = check(n->left, n, lo, it->key), r = check(n->right, n, it->key, hi);
	assert_int_equal(l, r);
	return l + (n->red ? 0 : 1);
}

static int height(const struct rb_node *n)
{
	if (!n)
		return 0;
	int l = height(n->left), r = height(n->right);
	return 1 + (l > r ? l : r);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void check_all(void)
{
	static int want[N], n;

	n = 0;
	for (int i = 0; i < N; i++)
		if (items[i].in)
			want[n++] = items[i].key;
	qsort(want, (size_t)n, sizeof(int), cmp_int);
	assert_false(root.node && root.node->red);
	check(root.node, NULL, -1, 1 << 30);
	int k = 0;
	for (struct rb_node *p = rb_first(&root); p; p = rb_next(p))
		assert_int_equal(rb_entry(p, struct item, node)->key, want[k++]);
	assert_int_equal(k, n);
	for (struct rb_node *p = rb_last(&root); p; p = rb_prev(p))
		assert_int_equal(rb_entry(p, struct item, node)->key, want[--k]);
	assert_int_equal(k, 0);
	/* Balanced: height <= 2 log2(n + 1). */
	int lg = 0;
	while ((1 << lg) < n + 1)
		lg++;
	assert_true(height(root.node) <= 2 * lg);
}

static void test_random_insert_erase(void **state)
{
	(void)state;
	srand(1234);
	memset(items, 0, sizeof(items));
	root = (struct rb_root)RB_ROOT_INIT;
	assert_true(rb_empty(&root));
	assert_null(rb_first(&root));
	for (int i = 0; i < N; i++)
		items[i].key = rand() % 5000; /* duplicates too */
	for (int step = 0; step < 4 * N; step++) {
		struct item *it = &items[rand() % N];
		if (it->in) {
			rb_erase(&root, &it->node);
			it->in = false;
		} else {
			insert(it);
		}
		if (step % 7 == 0 || step < 200)
			check_all();
	}
	check_all();
	/* Drain in order: erase the first each time. */
	while (!rb_empty(&root)) {
		struct item *it = rb_entry(rb_first(&root), struct item, node);
		rb_erase(&root, &it->node);
		it->in = false;
	}
	check_all();
}

static void test_sorted_inserts_stay_balanced(void **state)
{
	(void)state;
	memset(items, 0, sizeof(items));
	root = (struct rb_root)RB_ROOT_INIT;
	for (int i = 0; i < N; i++) {
		items[i].key = i;
		insert(&items[i]);
	}
	check_all();
	for (int i = N - 1; i >= 0; i -= 2) {
		rb_erase(&root, &items[i].node);
		items[i].in = false;
	}
	check_all();
}

/* Augmented: each node keeps the largest 'val' of its subtree. */
struct aitem {
	struct rb_node node;
	int key, val, max;
	bool in;
};

static struct aitem aitems[N];

static struct aitem *aentry(const struct rb_node *n)
{
	return n ? rb_entry(n, struct aitem, node) : NULL;
}

static bool max_update(struct rb_node *n)
{
	struct aitem *it = aentry(n), *l = aentry(n->left), *r = aentry(n->right);
	int old = it->max;

	it->max = it->val;
	if (l && l->max > it->max)
		it->max = l->max;
	if (r && r->max > it->max)
		it->max = r->max;
	return it->max != old;
}

static const struct rb_augment max_aug = {.update = max_update};

static void ainsert(struct aitem *it)
{
	struct rb_node **link = &root.node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = it->key < aentry(parent)->key ? &parent->left : &parent->right;
	}
	rb_link(&it->node, parent, link);
	rb_insert_augmented(&root, &it->node, &max_aug);
	it->in = true;
}

/* The true maximum of a subtree, checking every stored summary on the way. */
static int acheck(const struct rb_node *n)
{
	if (!n)
		return -1;
	int m = aentry(n)->val, l = acheck(n->left), r = acheck(n->right);
	if (l > m)
		m = l;
	if (r > m)
		m = r;
	assert_int_equal(aentry(n)->max, m);
	return m;
}

/* The first item in key order with val >= t, by the summaries: O(log n). */
static struct aitem *afind(int t)
{
	const struct rb_node *n = root.node;

	while (n) {
		if (n->left && aentry(n->left)->max >= t)
			n = n->left;
		else if (aentry(n)->val >= t)
			return aentry(n);
		else if (n->right && aentry(n->right)->max >= t)
			n = n->right;
		else
			return NULL;
	}
	return NULL;
}

static struct aitem *afind_linear(int t)
{
	for (struct rb_node *p = rb_first(&root); p; p = rb_next(p))
		if (aentry(p)->val >= t)
			return aentry(p);
	return NULL;
}

static void test_augmented(void **state)
{
	(void)state;
	srand(99);
	memset(aitems, 0, sizeof(aitems));
	root = (struct rb_root)RB_ROOT_INIT;
	for (int i = 0; i < N; i++) {
		aitems[i].key = rand() % 5000;
		aitems[i].val = rand() % 100000;
	}
	for (int step = 0; step < 6 * N; step++) {
		struct aitem *it = &aitems[rand() % N];
		int op = rand() % 3;

		if (op == 0 && it->in) {
			rb_erase_augmented(&root, &it->node, &max_aug);
			it->in = false;
		} else if (op == 1 && it->in) {
			it->val = rand() % 100000;
			rb_augment_path(&it->node, &max_aug);
		} else if (!it->in) {
			ainsert(it);
		}
		if (step % 5 == 0 || step < 300) {
			acheck(root.node);
			int t = rand() % 100001;
			assert_ptr_equal(afind(t), afind_linear(t));
		}
	}
	while (!rb_empty(&root)) {
		rb_erase_augmented(&root, root.node, &max_aug);
		acheck(root.node);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_insert_erase),
	    cmocka_unit_test(test_sorted_inserts_stay_balanced),
	    cmocka_unit_test(test_augmented),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
