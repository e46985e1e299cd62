package org.dmascope.backend.hmm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bits of an {@code hmm_pfns[]} entry, as include/linux/hmm.h (v6.16) lays them out on a
 * 64-bit kernel: on input the request flags, on output the PFN in the low bits and the state in
 * the high ones. 0 on output means "not present, a request with HMM_PFN_REQ_FAULT could fault
 * it in".
 */
public final class HmmPfn {

    /** HMM_PFN_VALID: the PFN is valid and at least readable (bit 63). */
    public static final long VALID = 1L << 63;
    /** HMM_PFN_WRITE: the CPU page table allows writes (bit 62). */
    public static final long WRITE = 1L << 62;
    /** HMM_PFN_ERROR: the page cannot be accessed (a hole, VM_IO/VM_PFNMAP, no VM_READ, a special PTE) (bit 61). */
    public static final long ERROR = 1L << 61;
    /** HMM_PFN_DMA_MAPPED (bit 60, v6.16): kept across calls (HMM_PFN_INOUT_FLAGS). */
    public static final long DMA_MAPPED = 1L << 60;
    /** HMM_PFN_P2PDMA (bit 59, v6.16): kept across calls. */
    public static final long P2PDMA = 1L << 59;
    /** HMM_PFN_P2PDMA_BUS (bit 58, v6.16): kept across calls. */
    public static final long P2PDMA_BUS = 1L << 58;
    /** HMM_PFN_ORDER_SHIFT: BITS_PER_LONG - 11 since v6.16 (BITS_PER_LONG - 8 before). */
    public static final int ORDER_SHIFT = 64 - 11;
    /** The five bits of the map order. */
    public static final long ORDER_MASK = 0x1fL << ORDER_SHIFT;
    /** HMM_PFN_INOUT_FLAGS: what hmm_range_fault leaves as the caller set it. */
    public static final long INOUT_FLAGS = DMA_MAPPED | P2PDMA | P2PDMA_BUS;
    /** HMM_PFN_FLAGS: every bit above the PFN. */
    public static final long FLAGS = ~((1L << ORDER_SHIFT) - 1);

    /** HMM_PFN_REQ_FAULT: fault the page in if it is not present (the same bit as VALID). */
    public static final long REQ_FAULT = VALID;
    /** HMM_PFN_REQ_WRITE: fault it in writable (the same bit as WRITE). */
    public static final long REQ_WRITE = WRITE;

    private HmmPfn() {
    }

    /** hmm_pfn_flags_order: the order bits for a mapping of 2^order pages. */
    public static long order(int order) {
        return (long) order << ORDER_SHIFT;
    }

    /** hmm_pfn_to_map_order. */
    public static int mapOrder(long hmmPfn) {
        return (int) ((hmmPfn >>> ORDER_SHIFT) & 0x1f);
    }

    /** The PFN of an output entry (hmm_pfn_to_phys >> PAGE_SHIFT). */
    public static long pfn(long hmmPfn) {
        return hmmPfn & ~FLAGS;
    }

    /** Parses request flags written as "fault", "fault|write", "0", or a hex number. */
    public static long parseRequest(String text) {
        if (text.equals("0") || text.equals("none")) {
            return 0;
        }
        if (text.startsWith("0x")) {
            return Long.parseUnsignedLong(text.substring(2), 16);
        }
        long v = 0;
        for (String part : text.split("\\|")) {
            switch (part) {
                case "fault", "HMM_PFN_REQ_FAULT" -> v |= REQ_FAULT;
                case "write", "HMM_PFN_REQ_WRITE" -> v |= REQ_WRITE;
                default -> throw new IllegalArgumentException("'" + part + "' is not a request flag (fault, write)");
            }
        }
        return v;
    }

    /** An output entry in words: "VALID|WRITE order=9", "ERROR", "0 (faultable)". */
    public static String describe(long hmmPfn) {
        List<String> parts = new ArrayList<>();
        if ((hmmPfn & VALID) != 0) {
            parts.add("VALID");
        }
        if ((hmmPfn & WRITE) != 0) {
            parts.add("WRITE");
        }
        if ((hmmPfn & ERROR) != 0) {
            parts.add("ERROR");
        }
        if ((hmmPfn & DMA_MAPPED) != 0) {
            parts.add("DMA_MAPPED");
        }
        String s = parts.isEmpty() ? "0" : String.join("|", parts);
        int order = mapOrder(hmmPfn);
        if (order != 0) {
            s += " order=" + order;
        }
        return s;
    }

    /** The entry as hex, the way a driver would print it. */
    public static String hex(long hmmPfn) {
        return String.format(Locale.ROOT, "0x%016x", hmmPfn);
    }
}
