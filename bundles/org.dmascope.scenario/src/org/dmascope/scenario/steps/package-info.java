/**
 * The built-in step kinds: the machine, processes, files and the topology, and the system calls
 * and CPU accesses every scenario uses (mmap, munmap, mprotect, madvise, touch, fork, expect).
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.scenario.steps;
