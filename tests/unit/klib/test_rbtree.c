/*
 * Red-black tree: thousands of random inserts and erases, with the tree's
 * invariants (order, parent links, no red-red edge, equal black height,
 * red-free root) and its contents against a sorted reference after each one.
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
		link = it->key < rb_entry(parent, struct item, node)->key ? &parent->left : &parent->right;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_insert_erase),
		cmocka_unit_test(test_sorted_inserts_stay_balanced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
