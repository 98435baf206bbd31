/* Everything sync offers; see components/sync/README.md. */
#ifndef SYNC_SYNC_H
#define SYNC_SYNC_H

#include <sync/cond.h>
#include <sync/lockdep.h>
#include <sync/mutex.h>
#include <sync/rwlock.h>
#include <sync/semaphore.h>
#include <sync/spinlock.h>

#endif
