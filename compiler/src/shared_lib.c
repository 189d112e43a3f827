// The shared libgpoc is the module archives linked whole (see compiler/CMakeLists.txt);
// this unit exists only because a library target needs a source of its own. The
// exported functions are the GPOC_API ones declared in gpoc.h, defined in src/api/.
typedef int gpoc_shared_library_has_no_code_of_its_own;
