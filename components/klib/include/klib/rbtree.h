/*
 * Intrusive red-black trees: balanced binary search trees whose nodes live
 * inside the caller's structures, so insertion and removal never allocate.
 * Height stays below 2 log2(n + 1), which makes lookups O(log n).
 *
 * The tree does not compare keys itself. The caller walks down from
 * rb_root.node to find where a new node belongs, links it there with
 * rb_link() and then calls rb_insert_fixup() to restore the balance:
 *
 *	struct rb_node **link = &root->node, *parent = NULL;
 *	while (*link) {
 *		parent = *link;
 *		link = key < entry(parent)->key ? &parent->left : &parent->right;
 *	}
 *	rb_link(&item->node, parent, link);
 *	rb_insert_fixup(root, &item->node);
 */
#ifndef KLIB_RBTREE_H
#define KLIB_RBTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <klib/compiler.h>

struct rb_node {
	struct rb_node *parent, *left, *right;
	bool red;
};

struct rb_root {
	struct rb_node *node;
};

#define RB_ROOT_INIT                                                                               \
	{                                                                                          \
		NULL                                                                               \
	}

#define rb_entry(node, type, member) container_of(node, type, member)

static inline bool rb_empty(const struct rb_root *root)
{
	return root->node == NULL;
}

/* Attach a new red leaf at *link below parent (NULL for the root). */
static inline void rb_link(struct rb_node *node, struct rb_node *parent, struct rb_node **link)
{
	node->parent = parent;
	node->left = node->right = NULL;
	node->red = true;
	*link = node;
}

/* Rebalance after rb_link(). */
void rb_insert_fixup(struct rb_root *root, struct rb_node *node);

/* Unlink a node from its tree. */
void rb_erase(struct rb_root *root, struct rb_node *node);

/*
 * Augmented trees: each node may keep a summary of its subtree (the largest
 * free gap below it, as addr-space does; a subtree maximum; a count), which
 * makes searches by that summary O(log n). 'update' recomputes one node's
 * summary from the node itself and its children, whose summaries are up to
 * date whenever the tree calls it, and says whether it changed: the tree
 * calls it on both nodes of every rotation (lower one first) and up the
 * path to the root when a node is linked or erased, stopping at the first
 * node whose summary did not change.
 *
 *	rb_link(&item->node, parent, link);
 *	rb_insert_augmented(root, &item->node, &aug);
 *	...
 *	item->end = new_end;                   // key data changed in place:
 *	rb_augment_path(&item->node, &aug);    // its summary and its ancestors'
 *
 * Each call is O(log n). Mixing the plain calls into an augmented tree
 * leaves summaries stale.
 */
struct rb_augment {
	bool (*update)(struct rb_node *node); /* true: the summary changed */
};

void rb_insert_augmented(struct rb_root *root, struct rb_node *node, const struct rb_augment *aug);
void rb_erase_augmented(struct rb_root *root, struct rb_node *node, const struct rb_augment *aug);
/* Recompute the summaries of node and its ancestors, bottom up, until one is unchanged. */
void rb_augment_path(struct rb_node *node, const struct rb_augment *aug);

/* In-order traversal; NULL at the ends. */
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

#endif
