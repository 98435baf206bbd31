/* The smallest static riscv64 Linux program: test_elf.c parses what Debian's
 * cross gcc makes of it. */
int main(void)
{
	return 0;
}
