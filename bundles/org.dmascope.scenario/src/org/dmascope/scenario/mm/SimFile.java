package org.dmascope.scenario.mm;

import java.util.HashMap;
import java.util.Map;

import org.eclipse.jdt.annotation.Nullable;

/**
 * A file (or the shmem object behind a shared anonymous mapping) and its page cache.
 */
public final class SimFile {

    private final String name;
    private final long size;
    private final boolean writeNotify;
    private final Map<Long, Folio> pageCache = new HashMap<>();
    private final Map<Long, Long> contents = new HashMap<>();

    /**
     * @param name        its name
     * @param size        its size in bytes
     * @param writeNotify whether writes are tracked (a disk file system with page_mkwrite: shared
     *                    mappings start read-only); false for tmpfs and shmem
     */
    public SimFile(String name, long size, boolean writeNotify) {
        this.name = name;
        this.size = size;
        this.writeNotify = writeNotify;
    }

    /** Its name. */
    public String name() {
        return name;
    }

    /** Its size in bytes. */
    public long size() {
        return size;
    }

    /** Whether shared writable mappings are write-notified (vma_wants_writenotify). */
    public boolean writeNotify() {
        return writeNotify;
    }

    /** The value of a page as written with pwrite (0 if never written). */
    public long content(long index) {
        Long v = contents.get(index);
        return v == null ? 0 : v;
    }

    /** Writes a page's value as pwrite would (through the page cache when the page is there). */
    public void write(long index, long value) {
        Folio f = pageCache.get(index);
        if (f != null) {
            f.setData(0, value);
        }
        contents.put(index, value);
    }

    /** The cached page at an index, or null. */
    public @Nullable Folio cached(long index) {
        return pageCache.get(index);
    }

    /** The page at an index, read into the page cache if it is not there. */
    public Folio page(Machine machine, long index) {
        Folio f = pageCache.get(index);
        if (f == null) {
            f = machine.allocRam(0).setFile(this, index);
            f.setData(0, content(index));
            pageCache.put(index, f);
        }
        return f;
    }

    /** What pread returns for a page: the cached page's value, else the stored one. */
    public long read(long index) {
        Folio f = pageCache.get(index);
        return f != null ? f.data(0) : content(index);
    }
}
