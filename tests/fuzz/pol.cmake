# Registry.pol reader: read or refused with a message; a read file the writer
# accepts must be written back byte for byte (PReg framing has one form).
gpoc_fuzz_target(fuzz_pol SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_pol.c LIBS gpoc_formats)
