/*
 * Leveled logging to the console. The level (0 errors .. 3 debug) removes
 * the calls above it at compile time. Messages carry a short tag so a line
 * says who printed it: klog_info("paging", "mapped %zu pages", n).
 *
 * The level is KLOG_LEVEL: a component's own (CONFIG_<COMPONENT>_LOG_LEVEL,
 * which kit_component() passes as -DKLOG_LEVEL when it is not -1), else
 * CONFIG_LOG_LEVEL.
 */
#ifndef KLIB_LOG_H
#define KLIB_LOG_H

#include <klib/printf.h>

#ifndef CONFIG_LOG_LEVEL
#define CONFIG_LOG_LEVEL 2
#endif
#ifndef KLOG_LEVEL
#define KLOG_LEVEL CONFIG_LOG_LEVEL
#endif

#define klog_err(tag, ...)   klog_emit_(0, "E", tag, __VA_ARGS__)
#define klog_warn(tag, ...)  klog_emit_(1, "W", tag, __VA_ARGS__)
#define klog_info(tag, ...)  klog_emit_(2, "I", tag, __VA_ARGS__)
#define klog_debug(tag, ...) klog_emit_(3, "D", tag, __VA_ARGS__)

#define klog_emit_(level, lvl, tag, ...)                                                           \
	do {                                                                                       \
		if ((level) <= KLOG_LEVEL)                                                         \
			klog_line(lvl, tag, __VA_ARGS__);                                          \
	} while (0)

void klog_line(const char *lvl, const char *tag, const char *fmt, ...) KIT_PRINTF(3, 4);

#endif
