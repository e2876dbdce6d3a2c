// Debian's libjpeg-turbo (its TurboJPEG API, which reports errors by return code rather than
// by longjmp, so Swift can call it) and libpng (its simplified png_image API, likewise).
#include <turbojpeg.h>
#include <png.h>
