/* What the platform knows about this boot (the command line and initrd: hal/boot.h). */
#ifndef HAL_PLATFORM_H
#define HAL_PLATFORM_H

#include <stdint.h>

/* CONFIG_PLATFORM_NAME: the board's name. Implemented by the board. */
const char *hal_platform_name(void);

/* hal_time_ns() at the first instruction of the image. Implemented by the architecture's entry. */
uint64_t hal_boot_entry_ns(void);

#endif
