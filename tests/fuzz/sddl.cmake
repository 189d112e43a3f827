# SDDL parser: every input either parses, prints and re-parses to the same
# descriptor (and survives the binary round trip), or is refused with a message.
gpoc_fuzz_target(fuzz_sddl SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_sddl.c LIBS gpoc_sd)
