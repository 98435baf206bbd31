/* Bad input for the image: a NULL write. The kernel must kill this process
 * as SIGSEGV would (status 139 from the image), say so, and carry on. */
#include <stdio.h>

int main(void)
{
	volatile int *p = NULL;

	printf("segv: writing to NULL\n");
	fflush(stdout);
	*p = 1;
	printf("segv: still alive (wrong)\n");
	return 0;
}
