package org.dmascope.core.tests.chain;

import java.util.List;
import java.util.Map;

import org.dmascope.core.backend.BackendSemantics;
import org.dmascope.core.backend.BackendStyle;
import org.dmascope.core.backend.MemoryBackend;
import org.dmascope.core.backend.PinResult;
import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.RunBatch;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.core.memory.Vma;

/**
 * A backend for the resolver's tests: pins what the page table holds as it is, reports absent
 * pages as faulted in with unknown PFNs, refuses pages marked ERROR with EFAULT, and does not
 * handle VM_IO VMAs. The real rules live in the struct page backend and its own tests.
 */
final class TableBackend implements MemoryBackend {

    // Runs handed on in batches of this many (RunSink.runs), or one by one when 0.
    private final int batch;

    /** A backend that hands the runs on one by one. */
    TableBackend() {
        this(0);
    }

    /** A backend that hands the runs on in batches of up to {@code batch} (one by one when 0). */
    TableBackend(int batch) {
        this.batch = batch;
    }

    @Override
    public String id() {
        return "table";
    }

    @Override
    public BackendStyle style() {
        return new BackendStyle(0x808080, "table", "pages as the page table holds them", Map.of());
    }

    @Override
    public BackendSemantics semantics() {
        return new BackendSemantics("as is", "faulted with unknown PFNs", "none", "none");
    }

    @Override
    public int handles(AddressSpace space, Vma vma, long start, long end, PhysicalMemoryMap physical) {
        return vma.has(VmFlag.IO) ? 0 : 1;
    }

    @Override
    public PinResult pin(AddressSpace space, Vma vma, long start, long end, boolean write, PhysicalMemoryMap physical,
            RunSink sink) throws MemoryReadException {
        long[] counts = new long[2];
        long[] errorAt = {-1};
        RunBatch batched = batch > 0 ? new RunBatch(batch, sink) : null;
        RunSink out = batched != null ? batched : sink;
        space.pageTable().walk(start, end, (v, pfn, n, flags, shift, pgmap) -> {
            if (errorAt[0] >= 0) {
                return;
            }
            if ((flags & PageFlags.ERROR) != 0) {
                errorAt[0] = v;
                return;
            }
            if ((flags & PageFlags.PRESENT) == 0) {
                out.run(v, RunSink.NO_PFN, n, PageFlags.PRESENT | PageFlags.PFN_UNKNOWN, 12, -1);
                counts[1] += n;
            } else {
                out.run(v, pfn, n, flags, shift, pgmap);
            }
            counts[0] += n;
        });
        if (batched != null) {
            batched.flush();
        }
        if (errorAt[0] >= 0) {
            return new PinResult("EFAULT", String.format("page at %#x cannot be pinned", errorAt[0]), counts[0],
                    counts[1], 0, 0, List.of());
        }
        return new PinResult(null, "pinned as the table holds them", counts[0], counts[1], 0, 0, List.of());
    }
}
