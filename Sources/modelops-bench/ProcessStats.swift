import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Resident memory and CPU time: of this process, where the in-process scenarios run the API
/// test server beside the operator and so report the operator's share as a difference (RSS
/// before the operator starts and after, both taken after `malloc_trim` so that they count live
/// memory rather than freed pages malloc kept); and of another process (`firstdeploy`'s operator).
enum ProcessStats {
    /// VmRSS from /proc/self/status, in MB (one decimal).
    static func rssMB() -> Double { memoryMB("self", "VmRSS") ?? 0 }

    /// A memory line of /proc/<pid>/status in MB (one decimal): `VmRSS` (resident now), `VmHWM`
    /// (the peak resident). nil once the process is gone.
    static func memoryMB(_ pid: String, _ field: String) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return (kb / 1024 * 10).rounded() / 10
    }

    /// User plus system CPU seconds of another process so far (utime and stime of
    /// /proc/<pid>/stat, every thread; 10 ms resolution). nil once the process is gone.
    static func cpuSeconds(pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After the command name: state (field 3 of proc(5)), …, utime (14), stime (15).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
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
