# .reg reader (5.00 and REGEDIT4): every input is read or refused with a message; a
# read document that the writer accepts must write, re-read to the same operations
# and re-write to the same bytes; the decode listing must agree with the reader.
gpoc_fuzz_target(fuzz_regfile SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_regfile.c LIBS gpoc_formats)
