/* scripts/sanitizer-log.c: preloaded by scripts/sanitized-httpd after the ASan
 * and UBSan runtimes, so that UBSan's reports reach $SHOP_SANITIZER_LOG too.
 *
 * gcc keeps UBSan in a library of its own, libubsan, which applies its log_path
 * through the exported __sanitizer_set_report_path; the dynamic linker binds
 * that call to libasan's copy (preloaded first), so libubsan's own report file
 * stays stderr, i.e. httpd's error log, where scripts/test does not look. This
 * sets libubsan's path itself: $SHOP_SANITIZER_LOG.ubsan.<pid>. Without it a
 * sanitized run reports nothing of UBSan, so any failure here stops httpd. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((constructor))
static void set_ubsan_report_path(void)
{
    const char *log = getenv("SHOP_SANITIZER_LOG");
    void *ubsan = dlopen("libubsan.so.1", RTLD_LAZY | RTLD_NOLOAD);
    void (*set_path)(const char *) = NULL;
    char path[4096];

    if (ubsan) {
        *(void **)&set_path = dlsym(ubsan, "__sanitizer_set_report_path");
    }
    if (!log || !set_path
        || snprintf(path, sizeof(path), "%s.ubsan", log) >= (int)sizeof(path)) {
        fprintf(stderr, "sanitizer-log: cannot send UBSan's reports to %s: %s\n",
                log ? log : "(SHOP_SANITIZER_LOG unset)", ubsan ? "no report path" : dlerror());
        abort();
    }
    set_path(path);
}
