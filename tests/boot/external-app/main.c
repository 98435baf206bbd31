/* An app built against the kit from its own directory (KIT_APP_DIR). */
#include <kit/kit.h>
#include <klib/printf.h>

int app_main(void)
{
	kprintf("external app: %s\n", CONFIG_EXTERNAL_APP_GREETING);
	kprintf("external app: components %s\n", kit_components);
	return 0;
}
