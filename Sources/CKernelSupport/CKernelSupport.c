// The module is its header (include/CKernelSupport.h); a C target needs one source file.
#include "CKernelSupport.h"
