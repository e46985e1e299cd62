/**
 * The HMM backend: {@code hmm_range_fault()} with its per-page request and output flags
 * (mm/hmm.c, include/linux/hmm.h), {@code migrate_vma_setup/pages/finalize} to and from device
 * memory (mm/migrate_device.c), the MMU interval notifier protocol, device-private and
 * device-coherent pages, and the dmirror test driver (lib/test_hmm.c) that
 * tools/testing/selftests/mm/hmm-tests.c drives, so that the selftest's cases run as scenarios.
 * Contributed as Declarative Services components: a
 * {@link org.dmascope.core.backend.MemoryBackend} and a
 * {@link org.dmascope.scenario.ScenarioExtension}.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.backend.hmm;
