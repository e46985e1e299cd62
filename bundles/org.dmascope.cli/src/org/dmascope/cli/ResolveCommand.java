package org.dmascope.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.dmascope.core.backend.MemoryBackend;
import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.chain.IbAccess;
import org.dmascope.core.chain.PeerMappings;
import org.dmascope.core.chain.UmemRequest;
import org.dmascope.core.chain.UmemResolver;
import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.Sizes;
import org.dmascope.core.memory.Vma;
import org.dmascope.core.pciids.PciNames;
import org.dmascope.core.peer.KernelP2pEngine;
import org.dmascope.core.peer.KernelRules;
import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.sources.DmaDevices;
import org.dmascope.sources.MemoryBackends;
import org.dmascope.sources.proc.LiveProcess;
import org.dmascope.sources.proc.ProcMemory;
import org.dmascope.sources.pciids.PciIdsLocator;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.jdt.annotation.Nullable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dmascope resolve}: what {@code ibv_reg_mr()} would make of a live process's memory,
 * step by step, from the user pointer to DMA segments, as the kernel's {@code ib_umem_get()}
 * does it. Reads the process's maps, smaps and pagemap; nothing is pinned or mapped.
 */
@Command(name = "resolve", mixinStandardHelpOptions = true,
        description = {"Resolve a user pointer of a live process into the DMA segments an RDMA memory region would "
                + "get (ib_umem_get: checks, long-term pinning, scatter list, DMA mapping, MR page size), step by "
                + "step with the kernel rule of each. Reads /proc/PID/{maps,smaps,pagemap,status,limits}, "
                + "/proc/kpageflags and /proc/iomem; PFNs need CAP_SYS_ADMIN (without it: \"PFNs hidden\"). "
                + "Nothing is pinned. Exit 0 when the chain is complete, 1 when a kernel rule refuses it, 2 for "
                + "bad input (no such process, an address outside every VMA, PROT_NONE memory)."})
final class ResolveCommand implements Callable<Integer> {

    private static final long DEFAULT_ACCESS = IbAccess.LOCAL_WRITE | IbAccess.REMOTE_WRITE | IbAccess.REMOTE_READ;

    private final DmaScopeCli cli;

    @Spec
    private CommandSpec spec;

    @Option(names = "--pid", required = true, paramLabel = "PID", description = "The process.")
    private int pid;

    @Option(names = "--addr", required = true, paramLabel = "ADDR", description = "The user address (0x... or decimal).")
    private String addr = "";

    @Option(names = "--len", required = true, paramLabel = "LEN",
            description = "The length in bytes (decimal, 0x..., or with K, M, G for KiB, MiB, GiB).")
    private String len = "";

    @Option(names = "--device", paramLabel = "BDF", description = "The DMA device, a PCI function of this machine "
            + "(default: a device without IOMMU and without offset: DMA address = physical address).")
    private @Nullable String device;

    @Option(names = "--iommu", paramLabel = "off|on", description = "Map without or through an IOMMU DMA domain "
            + "(default: what the device's IOMMU group says; off without --device).")
    private @Nullable String iommu;

    @Option(names = "--max-seg", paramLabel = "BYTES", description = "The device's maximum DMA segment size "
            + "(default 64 KiB, the kernel's default; 2 GiB for mlx5_core devices).")
    private @Nullable String maxSeg;

    @Option(names = "--pgsz-bitmap", paramLabel = "MASK", description = "The page sizes the RDMA device supports "
            + "(default 0xfffff000: mlx5, 4 KiB to 2 GiB).")
    private @Nullable String pgszBitmap;

    @Option(names = "--access", paramLabel = "FLAGS", split = ",", description = "MR access flags: local-write, "
            + "remote-write, remote-read, remote-atomic, mw-bind, on-demand, relaxed-ordering "
            + "(default local-write,remote-write,remote-read).")
    private List<String> access = new ArrayList<>();

    @Option(names = "--limit", paramLabel = "N", description = "Rows per table in the text form (default 32).")
    private int limit = 32;

    @Option(names = "--json", description = "Print JSON: vmas, pages (runs), sg (DMA segments), bestPageSize, "
            + "dmaBlocks and steps.")
    private boolean json;

    // The machine the device was found in: P2PDMA memory is mapped as its peer paths say.
    private @Nullable PciTopology liveTopology;

    ResolveCommand(DmaScopeCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws InputException {
        PrintWriter out = spec.commandLine().getOut();
        long address = number("--addr", addr);
        long length = number("--len", len);
        int flags = accessFlags();
        DmaDevice dev = device();
        ProcMemory proc = new ProcMemory();
        List<String> notes = new ArrayList<>();
        PhysicalMemoryMap physical = proc.physicalMap(notes);
        LiveProcess process;
        try {
            process = proc.open(pid, physical);
        } catch (MemoryReadException e) {
            throw new InputException("--pid " + pid, null, e.getMessage());
        }
        AddressSpace space = process.addressSpace();
        checkRange(space, address, length);
        List<MemoryBackend> backends = MemoryBackends.installed();
        if (backends.isEmpty()) {
            throw new InputException("resolve", null, "no memory backend is installed (the struct page backend bundle "
                    + "org.dmascope.backend.structpage is missing or not started)");
        }
        AddressChain chain;
        try {
            UmemRequest request = UmemRequest.of(space, physical, address, length, flags, dev);
            PciTopology topology = liveTopology;
            if (topology != null && dev.address() != null) {
                request = request.withPeers(PeerMappings.of(physical, topology, dev.address(),
                        new KernelP2pEngine(KernelRules.DEFAULT)));
            }
            chain = new UmemResolver(backends).resolve(request);
        } catch (MemoryReadException e) {
            throw new InputException("--pid " + pid, String.format(Locale.ROOT, "%#x", address), e.getMessage());
        }
        boolean hidden = !process.pfnsVisible();
        if (json) {
            ChainJson.write(chain, space.command(), hidden, out);
        } else {
            ChainText.write(chain, space.command(), hidden, limit, out);
            notes.addAll(process.notes());
            for (String n : notes) {
                out.println("note: " + n);
            }
            out.flush();
        }
        return chain.ok() ? DmaScopeCli.EXIT_OK : DmaScopeCli.EXIT_FAILURE;
    }

    // The CLI's bad input: any part of the range outside every VMA, or in PROT_NONE memory.
    private void checkRange(AddressSpace space, long address, long length) throws InputException {
        String where = String.format(Locale.ROOT, "%#x", address);
        if (length <= 0) {
            throw new InputException("--len", null, "must be at least 1 byte: " + len);
        }
        long end = address + length;
        if (Long.compareUnsigned(end, address) < 0) {
            throw new InputException("--addr", where, "the range wraps past the end of the address space");
        }
        long at = address;
        while (Long.compareUnsigned(at, end) < 0) {
            Optional<Vma> v = space.vma(at);
            if (v.isEmpty()) {
                throw new InputException("--addr", String.format(Locale.ROOT, "%#x", at), String.format(Locale.ROOT,
                        "outside every VMA of process %d (%s)%s", space.pid(), space.command(),
                        at == address ? "" : String.format(Locale.ROOT, "; the range %#x + %#x runs into a hole there",
                                address, length)));
            }
            if (v.get().isProtNone()) {
                throw new InputException("--addr", String.format(Locale.ROOT, "%#x", at), String.format(Locale.ROOT,
                        "in PROT_NONE memory of process %d: %s", space.pid(), v.get().mapsLine()));
            }
            at = v.get().end();
        }
    }

    private DmaDevice device() throws InputException {
        DmaDevice dev = DmaDevice.plain();
        if (device != null) {
            PciAddress bdf;
            try {
                bdf = PciAddress.parse(device);
            } catch (IllegalArgumentException e) {
                throw new InputException("--device", null, e.getMessage());
            }
            PciTopology topology = cli.sources().live(new NullProgressMonitor());
            PciFunction f = topology.function(bdf).orElseThrow(() -> new InputException("--device", device,
                    "no such PCI function on this machine (see ./dmascope topo)"));
            dev = DmaDevices.of(f, new PciNames(PciIdsLocator.load(Optional.empty())));
            liveTopology = topology;
        }
        if (iommu != null) {
            switch (iommu) {
                case "on" -> dev = dev.withIommu(true);
                case "off" -> dev = dev.withIommu(false);
                default -> throw new InputException("--iommu", null, "expected off or on: " + iommu);
            }
        }
        if (maxSeg != null) {
            long v = number("--max-seg", maxSeg);
            if (v < 4096 || v > 0xffffffffL) {
                throw new InputException("--max-seg", null, "must be 4096 to 0xffffffff bytes: " + maxSeg);
            }
            dev = dev.withMaxSegmentSize(v);
        }
        if (pgszBitmap != null) {
            long v = number("--pgsz-bitmap", pgszBitmap);
            if (v == 0) {
                throw new InputException("--pgsz-bitmap", null, "must name at least one page size: " + pgszBitmap);
            }
            dev = dev.withPgszBitmap(v);
        }
        return dev;
    }

    private int accessFlags() throws InputException {
        if (access.isEmpty()) {
            return (int) DEFAULT_ACCESS;
        }
        int flags = 0;
        for (String a : access) {
            flags |= switch (a.strip().toLowerCase(Locale.ROOT)) {
                case "local-write" -> IbAccess.LOCAL_WRITE;
                case "remote-write" -> IbAccess.REMOTE_WRITE;
                case "remote-read" -> IbAccess.REMOTE_READ;
                case "remote-atomic" -> IbAccess.REMOTE_ATOMIC;
                case "mw-bind" -> IbAccess.MW_BIND;
                case "on-demand" -> IbAccess.ON_DEMAND;
                case "relaxed-ordering" -> IbAccess.RELAXED_ORDERING;
                case "none", "" -> 0;
                default -> throw new InputException("--access", a, "unknown access flag (known: local-write, "
                        + "remote-write, remote-read, remote-atomic, mw-bind, on-demand, relaxed-ordering)");
            };
        }
        return flags;
    }

    /** Parses 0x..., decimal, or a number with K, M, G (KiB, MiB, GiB). */
    static long number(String option, String text) throws InputException {
        try {
            return Sizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InputException(option, null, e.getMessage());
        }
    }
}
