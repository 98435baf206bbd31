/*
 * The image: what every platform's start-up shares, and what an app sees of
 * the image it is linked into.
 */
#ifndef KIT_KIT_H
#define KIT_KIT_H

/* Space-separated names of the components enabled in this image. */
extern const char kit_components[];
/* CONFIG_PLATFORM_NAME of this image. */
extern const char kit_platform_name[];

/*
 * The application's entry point, called once every enabled component is
 * initialised. Its return value becomes the run's exit status (0 = success).
 */
int app_main(void);

/*
 * Called by the platform once its hal is up (console, time, memory map):
 * initialises the enabled components in dependency order, runs app_main()
 * and powers off with its result.
 */
__attribute__((noreturn)) void kit_start(void);

#endif
