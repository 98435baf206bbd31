/*
 * Intrusive circular doubly-linked lists. A list head and its entries are the
 * same struct list_node; an entry embeds one and is recovered with
 * list_entry(). All operations are O(1) and never allocate.
 */
#ifndef KLIB_LIST_H
#define KLIB_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <klib/compiler.h>

struct list_node {
	struct list_node *next, *prev;
};

#define LIST_HEAD_INIT(name)                                                                       \
	{                                                                                          \
		&(name), &(name)                                                                   \
	}
#define LIST_HEAD(name) struct list_node name = LIST_HEAD_INIT(name)

static inline void list_init(struct list_node *head)
{
	head->next = head;
	head->prev = head;
}

static inline bool list_empty(const struct list_node *head)
{
	return head->next == head;
}

static inline void list_insert_between(struct list_node *n, struct list_node *prev,
                                       struct list_node *next)
{
	n->prev = prev;
	n->next = next;
	prev->next = n;
	next->prev = n;
}

/* Insert at the front (stack order). */
static inline void list_add(struct list_node *head, struct list_node *n)
{
	list_insert_between(n, head, head->next);
}

/* Insert at the back (queue order). */
static inline void list_add_tail(struct list_node *head, struct list_node *n)
{
	list_insert_between(n, head->prev, head);
}

/* Unlink; the node is left pointing at itself, so list_del twice is harmless. */
static inline void list_del(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_init(n);
}

/* True if the node is linked into some list (needs list_init/list_del hygiene). */
static inline bool list_linked(const struct list_node *n)
{
	return n->next != n;
}

static inline struct list_node *list_first(const struct list_node *head)
{
	return list_empty(head) ? NULL : head->next;
}

static inline struct list_node *list_pop(struct list_node *head)
{
	struct list_node *n = list_first(head);

	if (n)
		list_del(n);
	return n;
}

/* Move every node of 'from' to the back of 'to'; 'from' becomes empty. */
static inline void list_splice_tail(struct list_node *to, struct list_node *from)
{
	if (list_empty(from))
		return;
	from->next->prev = to->prev;
	to->prev->next = from->next;
	from->prev->next = to;
	to->prev = from->prev;
	list_init(from);
}

static inline size_t list_count(const struct list_node *head)
{
	size_t n = 0;

	for (const struct list_node *p = head->next; p != head; p = p->next)
		n++;
	return n;
}

#define list_entry(node, type, member) container_of(node, type, member)

#define list_first_entry(head, type, member)                                                       \
	(list_empty(head) ? (type *)NULL : list_entry((head)->next, type, member))

#define list_for_each(pos, head) for (pos = (head)->next; pos != (head); pos = pos->next)

/* Safe against removal of 'pos' inside the loop. */
#define list_for_each_safe(pos, tmp, head)                                                         \
	for (pos = (head)->next, tmp = pos->next; pos != (head); pos = tmp, tmp = pos->next)

#define list_for_each_entry(pos, head, member)                                                     \
	for (pos = list_entry((head)->next, __typeof__(*pos), member); &pos->member != (head);     \
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))

#define list_for_each_entry_safe(pos, tmp, head, member)                                           \
	for (pos = list_entry((head)->next, __typeof__(*pos), member),                             \
	    tmp = list_entry(pos->member.next, __typeof__(*pos), member);                          \
	     &pos->member != (head);                                                               \
	     pos = tmp, tmp = list_entry(tmp->member.next, __typeof__(*pos), member))

#endif
