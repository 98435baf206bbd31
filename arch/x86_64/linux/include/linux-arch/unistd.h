/*
 * The x86-64 numbers of the Linux system calls linux-abi implements
 * (Linux's arch/x86/entry/syscalls/syscall_64.tbl, the "common" and "64"
 * rows; the same numbers as syscall_names.c). x86-64 numbers its calls its
 * own way, not asm-generic's, and keeps calls asm-generic dropped: the
 * second list, which linux-abi re-expresses as the calls that replaced
 * them (sys_legacy.c), and arch_prctl.
 */
#ifndef LINUX_ARCH_UNISTD_H
#define LINUX_ARCH_UNISTD_H

/* clang-format off */
#define NR_capget               125
#define NR_read                 0
#define NR_write                1
#define NR_readv                19
#define NR_writev               20
#define NR_close                3
#define NR_openat               257
#define NR_lseek                8
#define NR_fstat                5
#define NR_newfstatat           262
#define NR_ioctl                16
#define NR_readlinkat           267
#define NR_faccessat            269
#define NR_getcwd               79
#define NR_dup                  32
#define NR_dup3                 292
#define NR_fcntl                72
#define NR_mknodat              259
#define NR_umount2              166
#define NR_mount                165
#define NR_mkdirat              258
#define NR_unlinkat             263
#define NR_symlinkat            266
#define NR_linkat               265
#define NR_statfs               137
#define NR_fstatfs              138
#define NR_truncate             76
#define NR_ftruncate            77
#define NR_chdir                80
#define NR_fchdir               81
#define NR_fchmod               91
#define NR_fchmodat             268
#define NR_fchownat             260
#define NR_fchown               93
#define NR_getdents64           217
#define NR_pread64              17
#define NR_pwrite64             18
#define NR_preadv               295
#define NR_pwritev              296
#define NR_sync                 162
#define NR_fsync                74
#define NR_fdatasync            75
#define NR_utimensat            280
#define NR_msync                26
#define NR_syncfs               306
#define NR_renameat2            316
#define NR_renameat             264
#define NR_statx                332
#define NR_faccessat2           439
#define NR_fchmodat2            452
#define NR_exit                 60
#define NR_exit_group           231
#define NR_wait4                61
#define NR_clone                56
#define NR_execve               59
#define NR_kill                 62
#define NR_tkill                200
#define NR_tgkill               234
#define NR_getpid               39
#define NR_getppid              110
#define NR_gettid               186
#define NR_set_tid_address      218
#define NR_set_robust_list      273
#define NR_sched_yield          24
#define NR_nanosleep            35
#define NR_clock_gettime        228
#define NR_clock_getres         229
#define NR_clock_nanosleep      230
#define NR_gettimeofday         96
#define NR_uname                63
#define NR_getrandom            318
#define NR_brk                  12
#define NR_munmap               11
#define NR_mmap                 9
#define NR_mprotect             10
#define NR_madvise              28
#define NR_mremap               25
#define NR_rt_sigaction         13
#define NR_rt_sigprocmask       14
#define NR_sigaltstack          131
#define NR_rt_sigpending        127
#define NR_getuid               102
#define NR_geteuid              107
#define NR_getgid               104
#define NR_getegid              108
#define NR_getresuid            118
#define NR_getresgid            120
#define NR_setuid               105
#define NR_setgid               106
#define NR_setreuid             113
#define NR_setregid             114
#define NR_setresuid            117
#define NR_setresgid            119
#define NR_setfsuid             122
#define NR_setfsgid             123
#define NR_getgroups            115
#define NR_setgroups            116
#define NR_prlimit64            302
#define NR_getrlimit            97
#define NR_setrlimit            160
#define NR_umask                95
#define NR_shmget               29
#define NR_shmctl               31
#define NR_shmat                30
#define NR_shmdt                67
#define NR_getpgid              121
#define NR_setpgid              109
#define NR_getsid               124
#define NR_setsid               112
#define NR_prctl                157
#define NR_clone3               435
#define NR_futex                202
#define NR_get_robust_list      274
#define NR_getitimer            36
#define NR_ppoll                271
#define NR_rt_sigqueueinfo      129
#define NR_rt_sigreturn         15
#define NR_rt_sigsuspend        130
#define NR_rt_sigtimedwait      128
#define NR_rt_tgsigqueueinfo    297
#define NR_setitimer            38
#define NR_timer_create         222
#define NR_timer_settime        223
#define NR_timer_gettime        224
#define NR_timer_getoverrun     225
#define NR_timer_delete         226
/* Kept by x86-64, gone from asm-generic. */
#define NR_open                 2
#define NR_creat                85
#define NR_stat                 4
#define NR_lstat                6
#define NR_access               21
#define NR_dup2                 33
#define NR_mkdir                83
#define NR_rmdir                84
#define NR_unlink               87
#define NR_rename               82
#define NR_link                 86
#define NR_symlink              88
#define NR_readlink             89
#define NR_chmod                90
#define NR_chown                92
#define NR_lchown               94
#define NR_mknod                133
#define NR_fork                 57
#define NR_vfork                58
#define NR_getpgrp              111
#define NR_time                 201
#define NR_poll                 7
#define NR_pause                34
#define NR_alarm                37
#define NR_arch_prctl           158
/* clang-format on */

#endif
