# Binary self-relative descriptors: decode -> encode -> decode is stable, and the
# SDDL of anything SDDL can express reads back the same.
gpoc_fuzz_target(fuzz_secdesc SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_secdesc.c LIBS gpoc_sd)
