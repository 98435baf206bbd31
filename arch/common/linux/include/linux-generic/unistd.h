/*
 * The numbers of the Linux system calls linux-abi implements, as
 * include/uapi/asm-generic/unistd.h gives them to every architecture that
 * takes the generic table (riscv64 and arm64 here; the same numbers as
 * syscall_names.c beside this folder). An architecture's
 * linux-arch/unistd.h includes this and adds the calls only it keeps
 * (arm64's renameat); one with a table of its own (x86-64) does not.
 * linux-abi dispatches on these names.
 */
#ifndef LINUX_GENERIC_UNISTD_H
#define LINUX_GENERIC_UNISTD_H

/* clang-format off */
#define NR_capget               90
#define NR_read                 63
#define NR_write                64
#define NR_readv                65
#define NR_writev               66
#define NR_close                57
#define NR_openat               56
#define NR_lseek                62
#define NR_fstat                80
#define NR_newfstatat           79
#define NR_ioctl                29
#define NR_readlinkat           78
#define NR_faccessat            48
#define NR_getcwd               17
#define NR_dup                  23
#define NR_dup3                 24
#define NR_fcntl                25
#define NR_mknodat              33
#define NR_umount2              39
#define NR_mount                40
#define NR_mkdirat              34
#define NR_unlinkat             35
#define NR_symlinkat            36
#define NR_linkat               37
#define NR_statfs               43
#define NR_fstatfs              44
#define NR_truncate             45
#define NR_ftruncate            46
#define NR_chdir                49
#define NR_fchdir               50
#define NR_fchmod               52
#define NR_fchmodat             53
#define NR_fchownat             54
#define NR_fchown               55
#define NR_getdents64           61
#define NR_pread64              67
#define NR_pwrite64             68
#define NR_preadv               69
#define NR_pwritev              70
#define NR_sync                 81
#define NR_fsync                82
#define NR_fdatasync            83
#define NR_utimensat            88
#define NR_msync                227
#define NR_syncfs               267
#define NR_renameat2            276
#define NR_statx                291
#define NR_faccessat2           439
#define NR_fchmodat2            452
#define NR_exit                 93
#define NR_restart_syscall      128
#define NR_rseq                 293
#define NR_exit_group           94
#define NR_wait4                260
#define NR_clone                220
#define NR_execve               221
#define NR_kill                 129
#define NR_tkill                130
#define NR_tgkill               131
#define NR_getpid               172
#define NR_getppid              173
#define NR_gettid               178
#define NR_set_tid_address      96
#define NR_set_robust_list      99
#define NR_get_robust_list      100
#define NR_futex                98
#define NR_clone3               435
#define NR_unshare              97
#define NR_sched_yield          124
#define NR_nanosleep            101
#define NR_clock_gettime        113
#define NR_clock_getres         114
#define NR_clock_nanosleep      115
#define NR_gettimeofday         169
#define NR_uname                160
#define NR_getrandom            278
#define NR_brk                  214
#define NR_munmap               215
#define NR_mmap                 222
#define NR_mprotect             226
#define NR_madvise              233
#define NR_mremap               216
#define NR_remap_file_pages     234
#define NR_rt_sigaction         134
#define NR_rt_sigprocmask       135
#define NR_sigaltstack          132
#define NR_rt_sigpending        136
#define NR_rt_sigsuspend        133
#define NR_rt_sigtimedwait      137
#define NR_rt_sigqueueinfo      138
#define NR_rt_sigreturn         139
#define NR_rt_tgsigqueueinfo    240
#define NR_getitimer            102
#define NR_setitimer            103
#define NR_ppoll                73
#define NR_pselect6             72
#define NR_pipe2                59
#define NR_eventfd2             19
#define NR_timer_create         107
#define NR_timer_gettime        108
#define NR_timer_getoverrun     109
#define NR_timer_settime        110
#define NR_timer_delete         111
#define NR_getuid               174
#define NR_geteuid              175
#define NR_getgid               176
#define NR_getegid              177
#define NR_getresuid            148
#define NR_getresgid            150
#define NR_setuid               146
#define NR_setgid               144
#define NR_setreuid             145
#define NR_setregid             143
#define NR_setresuid            147
#define NR_setresgid            149
#define NR_setfsuid             151
#define NR_setfsgid             152
#define NR_getgroups            158
#define NR_setgroups            159
#define NR_prlimit64            261
#define NR_getrlimit            163
#define NR_setrlimit            164
#define NR_umask                166
#define NR_shmget               194
#define NR_shmctl               195
#define NR_shmat                196
#define NR_shmdt                197
#define NR_getpgid              155
#define NR_setpgid              154
#define NR_getsid               156
#define NR_setsid               157
#define NR_prctl                167
#define NR_sched_setaffinity    122
#define NR_sched_getaffinity    123
#define NR_getcpu               168
/* clang-format on */

#endif
