package org.dmascope.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;

import org.dmascope.core.backend.PinResult;
import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.chain.ChainStep;
import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.chain.DmaSegments;
import org.dmascope.core.chain.IbAccess;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.core.memory.Vma;

import com.google.gson.stream.JsonWriter;

/**
 * The JSON form of {@code resolve --json}: addresses as hexadecimal strings ("0x7f..."), counts,
 * PFNs and lengths as numbers, null where a value is not known (a page faulted in at pin time
 * has no PFN yet; PFNs read as hidden without CAP_SYS_ADMIN).
 */
final class ChainJson {

    private ChainJson() {
    }

    static void write(AddressChain c, String command, boolean pfnsHidden, Writer out) {
        try {
            JsonWriter w = new JsonWriter(out);
            w.setIndent("  ");
            w.setSerializeNulls(true);
            w.beginObject();
            w.name("pid").value(c.request().space().pid());
            w.name("command").value(command);
            w.name("address").value(hex(c.request().address()));
            w.name("length").value(c.request().length());
            w.name("access").value(IbAccess.describe(c.request().access()));
            writeDevice(w, c.request().device());
            w.name("pfnsHidden").value(pfnsHidden);
            w.name("error").value(c.error());
            w.name("vmas").beginArray();
            for (int i = 0; i < c.vmas().size(); i++) {
                Vma v = c.vmas().get(i);
                w.beginObject();
                w.name("start").value(hex(v.start()));
                w.name("end").value(hex(v.end()));
                w.name("perms").value(v.permissions());
                w.name("offset").value(hex(v.offset()));
                w.name("dev").value(v.device());
                w.name("inode").value(v.inode());
                w.name("name").value(v.name());
                w.name("flags").beginArray();
                for (VmFlag f : VmFlag.values()) {
                    if (v.has(f)) {
                        w.value(f.code());
                    }
                }
                w.endArray();
                w.name("kernelPageSize").value(v.pageSize());
                w.name("backend").value(i < c.backends().size() && !c.backends().get(i).isEmpty() ? c.backends().get(i)
                        : null);
                w.endObject();
            }
            w.endArray();
            w.name("pages").beginArray();
            PageRuns pages = c.pages();
            if (pages != null) {
                for (int i = 0; i < pages.size(); i++) {
                    w.beginObject();
                    w.name("vaddr").value(hex(pages.vaddr(i)));
                    w.name("pfn").value(pages.pfn(i) == RunSink.NO_PFN ? null : Long.valueOf(pages.pfn(i)));
                    w.name("count").value(pages.pages(i));
                    w.name("flags").value(PageFlags.describe(pages.flags(i)));
                    w.name("pageSize").value(1L << pages.pageShift(i));
                    w.endObject();
                }
            }
            w.endArray();
            PinResult pin = c.pin();
            if (pin != null) {
                w.name("pin").beginObject();
                w.name("pages").value(pin.pages());
                w.name("faulted").value(pin.faulted());
                w.name("cowBroken").value(pin.cowBroken());
                w.name("migrated").value(pin.migrated());
                w.name("notes").beginArray();
                for (String n : pin.notes()) {
                    w.value(n);
                }
                w.endArray();
                w.endObject();
            } else {
                w.name("pin").nullValue();
            }
            w.name("sgEntries").value(c.sgCounts() == null ? null : Integer.valueOf(c.sgCounts().entries()));
            w.name("sg").beginArray();
            DmaSegments dma = c.dma();
            if (dma != null) {
                for (int i = 0; i < dma.size(); i++) {
                    w.beginObject();
                    w.name("dma").value(dma.address(i) == -1 ? null : hex(dma.address(i)));
                    w.name("len").value(dma.length(i));
                    long phys = dma.phys(i);
                    w.name("phys").value(phys < 0 ? null : hex(phys));
                    w.name("entries").value(dma.entries(i));
                    w.name("busAddress").value(dma.busAddress(i));
                    w.endObject();
                }
            }
            w.endArray();
            w.name("iova").value(c.iova() == 0 ? null : hex(c.iova()));
            w.name("bestPageSize").value(c.pageSize() < 0 ? null : Long.valueOf(c.pageSize()));
            w.name("dmaBlocks").value(c.pageSize() <= 0 ? null : Long.valueOf(c.dmaBlocks()));
            w.name("steps").beginArray();
            for (ChainStep s : c.steps()) {
                w.beginObject();
                w.name("step").value(s.step());
                w.name("input").value(s.input());
                w.name("output").value(s.output());
                w.name("why").value(s.why());
                w.endObject();
            }
            w.endArray();
            w.endObject();
            w.flush();
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeDevice(JsonWriter w, DmaDevice d) throws IOException {
        w.name("device").beginObject();
        w.name("bdf").value(d.address() == null ? null : d.address().toString());
        w.name("name").value(d.name());
        w.name("iommu").value(d.iommu());
        w.name("maxSegmentSize").value(d.maxSegmentSize());
        w.name("segmentBoundaryMask").value(d.segmentBoundaryMask() == -1 ? null : hex(d.segmentBoundaryMask()));
        w.name("directOffset").value(hex(d.directOffset()));
        w.name("pgszBitmap").value(hex(d.pgszBitmap()));
        w.endObject();
    }

    static String hex(long v) {
        return String.format(Locale.ROOT, "%#x", v);
    }
}
