/*
 * struct shm_ops for host programs running ipc-shm over the real memory
 * components (test_real_*.c, bench/ipc-shm): pthread mutexes, the
 * realtime clock in seconds, and a per-thread current pid the program sets.
 */
#ifndef IPC_SHM_TEST_HOST_OPS_H
#define IPC_SHM_TEST_HOST_OPS_H

#include <ipc-shm/shm.h>

extern const struct shm_ops host_shm_ops;

void host_shm_set_pid(int32_t pid); /* what current_pid() returns on this thread */
long host_shm_locks_live(void);     /* locks created and not yet destroyed */

#endif
