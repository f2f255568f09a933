import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process's resident memory and CPU time. The API test server runs in the same process, so
/// scenarios report the operator's share as a difference: RSS before the operator starts and
/// after, both taken after `malloc_trim` so that they count live memory rather than freed pages
/// malloc kept.
enum ProcessStats {
    /// VmRSS from /proc/self/status, in MB (one decimal).
    static func rssMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        let kb = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return (kb / 1024 * 10).rounded() / 10
    }

    /// RSS after returning freed heap pages to the system.
    static func trimmedRSSMB() -> Double {
        #if os(Linux)
        _ = benchMallocTrim(0)
        #endif
        return rssMB()
    }

    /// User plus system CPU seconds of the whole process so far (getrusage).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

#if os(Linux)
/// glibc's malloc_trim, which the Glibc module does not export.
@_silgen_name("malloc_trim")
private func benchMallocTrim(_ pad: Int) -> Int32
#endif
