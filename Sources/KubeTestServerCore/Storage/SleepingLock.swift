#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value behind a plain `pthread_mutex_t`: a waiter sleeps at once instead of spinning.
///
/// The store's transactions run whole admissions (validation, CEL, managed fields) under one
/// lock, a millisecond or more. `Synchronization.Mutex` on Linux spins in user space and then
/// takes a priority-inheriting futex, whose kernel side spins for as long as the holder runs:
/// under a burst of writes, 5 % of the server's CPU went to waiters spinning on a second core
/// that the operator under test needed. A default pthread mutex puts the waiter to sleep.
final class SleepingLock<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init failed")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
