#ifndef SEG_BUILD_INFO_H
#define SEG_BUILD_INFO_H
/* The version (from VERSION) and git commit the binaries were built from;
   Package.swift passes both in as defines. */
const char *seg_build_version(void);
const char *seg_build_commit(void);
#endif
