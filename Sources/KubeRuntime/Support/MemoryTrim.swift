/// Hands the pages freed after an initial sync back to the system. Decoding the first lists
/// allocates far more than the caches keep (each page's decoded objects, then their prepared
/// copies), and glibc's allocator keeps the freed memory mapped: without a trim the process's
/// RSS stays near its sync-time peak for as long as it runs.
enum MemoryTrim {
    /// Reconciles that make a burst worth a trim once the queue drains (a trim walks the heap:
    /// a few milliseconds, not worth it after each reconcile).
    static let burst = 256

    static func afterSync() {
        #if os(Linux)
        _ = glibcMallocTrim(0)
        #endif
    }
}

#if os(Linux)
/// glibc's malloc_trim, which the Glibc module does not export.
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
