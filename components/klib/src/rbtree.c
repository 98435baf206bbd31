/*
 * Red-black tree balancing (the classic algorithm: Guibas and Sedgewick,
 * as presented in CLRS). Invariants: the root is black, a red node has no
 * red child, and every path from a node down to a leaf crosses the same
 * number of black nodes.
 *
 * Augmentation: a rotation changes the subtrees of exactly two nodes, and
 * the rotated pair's top covers the same set as before, so updating the
 * two (lower first) keeps every summary right; linking or unlinking a node
 * changes the sets of its ancestors only, updated by a walk up that stops
 * at the first summary that comes out unchanged (its ancestors were
 * computed from it, so they still hold). A node whose stored summary says
 * nothing yet (a new leaf, a successor moved into an erased node's place)
 * is never a reason to stop.
 */
#include <klib/rbtree.h>

static bool is_red(const struct rb_node *n)
{
	return n && n->red;
}

/* Make 'to' take 'from's place under from's parent. */
static void replace_child(struct rb_root *root, struct rb_node *from, struct rb_node *to)
{
	struct rb_node *p = from->parent;

	if (!p)
		root->node = to;
	else if (p->left == from)
		p->left = to;
	else
		p->right = to;
	if (to)
		to->parent = p;
}

static void augment(const struct rb_augment *aug, struct rb_node *lower, struct rb_node *upper)
{
	if (aug) {
		aug->update(lower);
		aug->update(upper);
	}
}

/* x's right child y becomes x's parent; x keeps y's old left subtree. */
static void rotate_left(struct rb_root *root, struct rb_node *x, const struct rb_augment *aug)
{
	struct rb_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	replace_child(root, x, y);
	y->left = x;
	x->parent = y;
	augment(aug, x, y);
}

static void rotate_right(struct rb_root *root, struct rb_node *x, const struct rb_augment *aug)
{
	struct rb_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	replace_child(root, x, y);
	y->right = x;
	x->parent = y;
	augment(aug, x, y);
}

/* Update n and its ancestors up to the first unchanged one; 'force': n's summary is stale. */
static void propagate(struct rb_node *n, const struct rb_augment *aug, bool force)
{
	for (; n; n = n->parent) {
		if (!aug->update(n) && !force)
			return;
		force = false;
	}
}

void rb_augment_path(struct rb_node *n, const struct rb_augment *aug)
{
	propagate(n, aug, false);
}

static void insert_fixup(struct rb_root *root, struct rb_node *n, const struct rb_augment *aug)
{
	/* n is red; the only possible violation is a red parent. */
	while (is_red(n->parent)) {
		struct rb_node *p = n->parent, *g = p->parent;
		bool left = g->left == p;
		struct rb_node *uncle = left ? g->right : g->left;

		if (is_red(uncle)) {
			/* Recolour and move the problem two levels up. */
			p->red = uncle->red = false;
			g->red = true;
			n = g;
			continue;
		}
		/* Rotate n to the outside, then rotate the grandparent. */
		if (left && n == p->right) {
			rotate_left(root, p, aug);
			n = p;
			p = n->parent;
		} else if (!left && n == p->left) {
			rotate_right(root, p, aug);
			n = p;
			p = n->parent;
		}
		p->red = false;
		g->red = true;
		if (left)
			rotate_right(root, g, aug);
		else
			rotate_left(root, g, aug);
	}
	root->node->red = false;
}

void rb_insert_fixup(struct rb_root *root, struct rb_node *n)
{
	insert_fixup(root, n, NULL);
}

void rb_insert_augmented(struct rb_root *root, struct rb_node *n, const struct rb_augment *aug)
{
	propagate(n, aug, true);
	insert_fixup(root, n, aug);
}

/* Restore the black height after removing a black node above x (x may be NULL). */
static void erase_fixup(struct rb_root *root, struct rb_node *x, struct rb_node *parent,
                        const struct rb_augment *aug)
{
	while (x != root->node && !is_red(x)) {
		bool left = parent->left == x;
		struct rb_node *w = left ? parent->right : parent->left;

		if (is_red(w)) {
			w->red = false;
			parent->red = true;
			if (left)
				rotate_left(root, parent, aug);
			else
				rotate_right(root, parent, aug);
			w = left ? parent->right : parent->left;
		}
		if (!is_red(w->left) && !is_red(w->right)) {
			w->red = true;
			x = parent;
			parent = x->parent;
			continue;
		}
		if (left && !is_red(w->right)) {
			w->left->red = false;
			w->red = true;
			rotate_right(root, w, aug);
			w = parent->right;
		} else if (!left && !is_red(w->left)) {
			w->right->red = false;
			w->red = true;
			rotate_left(root, w, aug);
			w = parent->left;
		}
		w->red = parent->red;
		parent->red = false;
		if (left) {
			w->right->red = false;
			rotate_left(root, parent, aug);
		} else {
			w->left->red = false;
			rotate_right(root, parent, aug);
		}
		x = root->node;
		break;
	}
	if (x)
		x->red = false;
}

static void erase(struct rb_root *root, struct rb_node *z, const struct rb_augment *aug)
{
	struct rb_node *x, *parent, *moved = NULL;
	bool removed_red;

	if (!z->left || !z->right) {
		x = z->left ? z->left : z->right;
		parent = z->parent;
		removed_red = z->red;
		replace_child(root, z, x);
	} else {
		/* Two children: z's successor y (no left child) takes z's place. */
		struct rb_node *y = z->right;

		while (y->left)
			y = y->left;
		removed_red = y->red;
		x = y->right;
		moved = y;
		if (y->parent == z) {
			parent = y;
		} else {
			parent = y->parent;
			replace_child(root, y, x);
			y->right = z->right;
			y->right->parent = y;
		}
		replace_child(root, z, y);
		y->left = z->left;
		y->left->parent = y;
		y->red = z->red;
	}
	/*
	 * Every node whose subtree lost z is on the path up from parent; y,
	 * moved into z's place, has a summary from its old place, so the walk
	 * up goes through it whatever it finds below.
	 */
	if (aug) {
		if (parent != moved)
			propagate(parent, aug, false);
		if (moved)
			propagate(moved, aug, true);
	}
	if (!removed_red)
		erase_fixup(root, x, parent, aug);
}

void rb_erase(struct rb_root *root, struct rb_node *z)
{
	erase(root, z, NULL);
}

void rb_erase_augmented(struct rb_root *root, struct rb_node *z, const struct rb_augment *aug)
{
	erase(root, z, aug);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->node;

	while (n && n->left)
		n = n->left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->node;

	while (n && n->right)
		n = n->right;
	return n;
}

struct rb_node *rb_next(const struct rb_node *n)
{
	if (n->right) {
		n = n->right;
		while (n->left)
			n = n->left;
		return (struct rb_node *)n;
	}
	while (n->parent && n->parent->right == n)
		n = n->parent;
	return n->parent;
}

struct rb_node *rb_prev(const struct rb_node *n)
{
	if (n->left) {
		n = n->left;
		while (n->right)
			n = n->right;
		return (struct rb_node *)n;
	}
	while (n->parent && n->parent->left == n)
		n = n->parent;
	return n->parent;
}
