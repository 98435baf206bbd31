/*
 * test_place.c's placement model and area limit again, on the component
 * built with a window a quarter of the user range (tests/unit/addr-space's
 * addr-space-window): hints past the window open the rest of it.
 */
#include "test_place.c"
