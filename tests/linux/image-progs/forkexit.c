/* Processes for the image's accounting check: 20 children that each fork
 * a grandchild, touch memory and exit; some are reaped, the orphans go to
 * pid 1. Exits 0 when every wait4 saw what it should. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int bad = 0;

	for (int i = 0; i < 20; i++) {
		fflush(stdout);
		pid_t c = fork();
		if (c == 0) {
			char *m = malloc(1 << 20);
			memset(m, i, 1 << 20);
			if (fork() == 0)
				_exit(0); /* an orphan once its parent is gone */
			_exit(i);
		}
		int st;
		if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != i)
			bad++;
	}
	while (wait(NULL) > 0)
		; /* the orphans */
	printf("forkexit: 20 children and 20 grandchildren, %d wrong statuses\n", bad);
	return bad != 0;
}
