/* Intrusive lists: order, removal during iteration, splice, counts. */
#include "kit_test.h"
#include <klib/list.h>

struct item {
	int v;
	struct list_node node;
};

static void collect(struct list_node *head, int *out, size_t *n)
{
	struct item *it;

	*n = 0;
	list_for_each_entry(it, head, node) out[(*n)++] = it->v;
}

static void test_add_and_order(void **state)
{
	LIST_HEAD(head);
	struct item a = {1, {0}}, b = {2, {0}}, c = {3, {0}};
	int got[4];
	size_t n;
	(void)state;

	assert_true(list_empty(&head));
	assert_null(list_first(&head));
	list_add_tail(&head, &a.node);
	list_add_tail(&head, &b.node);
	list_add(&head, &c.node);
	collect(&head, got, &n);
	assert_int_equal(n, 3);
	assert_int_equal(got[0], 3);
	assert_int_equal(got[1], 1);
	assert_int_equal(got[2], 2);
	assert_int_equal(list_count(&head), 3);
	assert_ptr_equal(list_first_entry(&head, struct item, node), &c);
}

static void test_delete_while_iterating(void **state)
{
	LIST_HEAD(head);
	struct item items[6], *it, *tmp;
	int got[6];
	size_t n;
	(void)state;

	for (int i = 0; i < 6; i++) {
		items[i].v = i;
		list_add_tail(&head, &items[i].node);
	}
	list_for_each_entry_safe(it, tmp, &head, node) if (it->v % 2) list_del(&it->node);
	collect(&head, got, &n);
	assert_int_equal(n, 3);
	assert_int_equal(got[0], 0);
	assert_int_equal(got[1], 2);
	assert_int_equal(got[2], 4);
	/* A deleted node points at itself: deleting it again is harmless. */
	assert_false(list_linked(&items[1].node));
	list_del(&items[1].node);
	assert_int_equal(list_count(&head), 3);
}

static void test_pop_and_splice(void **state)
{
	LIST_HEAD(a);
	LIST_HEAD(b);
	struct item x[4];
	int got[4];
	size_t n;
	(void)state;

	for (int i = 0; i < 4; i++) {
		x[i].v = i;
		list_add_tail(i < 2 ? &a : &b, &x[i].node);
	}
	list_splice_tail(&a, &b);
	assert_true(list_empty(&b));
	collect(&a, got, &n);
	assert_int_equal(n, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(got[i], i);
	assert_ptr_equal(list_pop(&a), &x[0].node);
	assert_int_equal(list_count(&a), 3);
	list_splice_tail(&a, &b); /* empty source: no change */
	assert_int_equal(list_count(&a), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_and_order),
	    cmocka_unit_test(test_delete_while_iterating),
	    cmocka_unit_test(test_pop_and_splice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
