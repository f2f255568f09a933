import KubeClient
import KubeCore

/// The list-then-watch loop of one informer (client-go's Reflector). It owns no cache: it hands
/// complete lists and watch events, in the order they happened, to `deliver`. It does the I/O;
/// which phase comes next, and whether to wait first, is `ReflectorState`'s pure transition,
/// and how long to wait is `ReconnectBackoff`'s.
///
/// The loop:
/// - lists in pages of `pageSize`, every page at the first page's resourceVersion; a 410 on a
///   continue token (storage compacted mid-list) starts the list over at once;
/// - watches from the list's resourceVersion with bookmarks and a random `timeoutSeconds`;
/// - a watch the server ends normally (timeout, dropped connection) is resumed from the last
///   resourceVersion seen, event or bookmark, with no relist and no wait;
/// - 410 on the watch (history gone, e.g. an API server restart) relists at once; the cache
///   then emits only real differences;
/// - a watch refused with 429/5xx is retried from the same resourceVersion after the backoff;
///   a broken stream or a failed list waits the backoff, then relists. A server's Retry-After
///   longer than the backoff is waited instead;
/// - an object our type cannot represent (a list item or a watch event) is left out and
///   reported once per object and resourceVersion: the rest of the list is the cache, the watch
///   goes on. Refusing the whole list for one item would relist forever and never sync.
///
/// Events are delivered strictly in arrival order from one task, so no event for an object is
/// ever reordered; resuming from the last delivered resourceVersion means none is skipped.
struct Reflector<Object: Sendable>: Sendable {
    enum Delivery: Sendable {
        /// A list starts (or starts over): the pages that follow, up to `listEnded`, are the
        /// cache's new content.
        case listStarted
        /// One page of the list in progress, each object prepared. Pages are handed over as they
        /// arrive, so a list is never held whole: the cache packs each page before the next is
        /// read, and what decoding left behind is freed page by page. `sources`: the trees the
        /// objects were read from (`ObjectList.sources`), for a cache that packs those.
        case listed([Object], sources: [JSON]? = nil)
        /// The list is complete at this resourceVersion: what it did not contain is gone.
        case listEnded(resourceVersion: String)
        /// `source`: the tree the event's object was read from (`ResourceClient.watchWithSources`).
        case event(WatchEvent<Object>, source: JSON? = nil)
    }

    let resource: ResourceClient<Object>
    let options: InformerOptions
    let resourceVersionOf: @Sendable (Object) -> String
    /// What the cache keeps of an object (`ObjectAccess.prepare`), applied to each list page as
    /// it arrives: the page's decoded objects are dropped before the next page is read, so a
    /// list is never held whole as decoded and as prepared.
    var prepare: @Sendable (Object) -> Object = { $0 }
    let stats: @Sendable (_ update: (inout InformerStats) -> Void) -> Void

    /// Runs until the task is cancelled: the I/O of the state's phase, then the transition
    /// `ReflectorState.step` chooses, with the backoff's wait where it says so.
    func run(deliver: @Sendable (Delivery) -> Void) async {
        var backoff = ReconnectBackoff.Tracker(options.backoff)
        var state = ReflectorState(absentKindRecheck: options.absentKindRecheck != nil)
        var skipped = SkippedObjects()
        var streaming = options.streamingList
        while !Task.isCancelled {
            let outcome: ReflectorState.Outcome
            switch state.phase {
            case .list:
                do {
                    let listed: (String, [UndecodableObject])
                    if streaming {
                        switch try await streamList(deliver: deliver) {
                        case let .listed(result):
                            listed = result
                            stats { $0.streamedLists += 1 }
                        case let .unsupported(why):
                            // Paged lists from now on, at once: nothing is wrong with the server.
                            streaming = false
                            stats { $0.streamingFallbacks += 1 }
                            report(.list, why, .pagedLists)
                            continue
                        }
                    } else {
                        listed = try await list(deliver: deliver)
                    }
                    let (resourceVersion, undecodable) = listed
                    for object in undecodable { skip(object, in: .list, &skipped) }
                    // Counted before the cache has it: whoever sees the cache synced sees the list counted.
                    stats {
                        $0.lists += 1
                        if state.lists > 0 { $0.relists += 1 }
                        $0.resourceVersion = resourceVersion
                    }
                    deliver(.listEnded(resourceVersion: resourceVersion))
                    outcome = .listed(resourceVersion: resourceVersion)
                } catch {
                    if isCancellation(error) { return }
                    outcome = .listFailed(error)
                }
            case .absent:
                do {
                    try await options.time.sleep(options.absentKindRecheck ?? .seconds(60))
                } catch {
                    return
                }
                outcome = .recheckDue
            case let .watch(from):
                var progress = ReflectorState.WatchProgress(from: from)
                do {
                    try await watch(&progress, deliver: deliver, &skipped)
                    if Task.isCancelled { return }
                    outcome = .watchEnded(progress)
                } catch {
                    if isCancellation(error) { return }
                    outcome = .watchFailed(error as? KubeError ?? .decoding("\(error)"), progress)
                }
            }

            let transition = state.step(outcome)
            if transition.deliversEmptyList {
                deliver(.listStarted)
                deliver(.listEnded(resourceVersion: ""))
            }
            guard let failure = transition.failure else { continue }
            let delay: Duration? = switch transition.wait {
            case .none: nil
            case .backoff: backoff.next(now: options.time.now(), random: options.random())
            case .backoffOrRetryAfter: self.delay(after: failure.error, &backoff)
            }
            report(failure.phase, failure.error, transition.recovery(after: delay ?? .zero))
            if let delay {
                guard await wait(delay, &backoff) else { return }
            }
        }
    }

    /// One watch from `progress.resourceVersion` until the server ends it; `progress` follows
    /// every event and bookmark, so a failure still knows where the watch got to.
    private func watch(_ progress: inout ReflectorState.WatchProgress, deliver: @Sendable (Delivery) -> Void,
                       _ skipped: inout SkippedObjects) async throws {
        var watchOptions = ListOptions(labelSelector: options.labelSelector, fieldSelector: options.fieldSelector,
                                       resourceVersion: progress.resourceVersion, timeoutSeconds: watchTimeout())
        watchOptions.allowWatchBookmarks = true
        stats { $0.watches += 1 }
        for try await sourced in resource.watchWithSources(watchOptions) {
            let event = sourced.event
            switch event {
            case let .bookmark(rv, _):
                progress.bookmark(rv)
                stats { [progress] in $0.bookmarks += 1; $0.resourceVersion = progress.resourceVersion }
            case let .undecodable(object):
                progress.skipped(object.resourceVersion)
                skip(object, in: .watch, &skipped)
                stats { [progress] in $0.resourceVersion = progress.resourceVersion }
            case let .added(object), let .modified(object), let .deleted(object):
                progress.delivered(resourceVersionOf(object))
                deliver(.event(event, source: sourced.source))
                stats { [progress] in $0.events += 1; $0.resourceVersion = progress.resourceVersion }
            }
        }
    }

    /// Objects already reported as undecodable, by key and resourceVersion: a relist or a
    /// re-watch that meets the same version again stays quiet.
    struct SkippedObjects {
        var reported: Set<String> = []
    }

    private func skip(_ object: UndecodableObject, in phase: InformerFailure.Phase, _ skipped: inout SkippedObjects) {
        stats { $0.undecodable += 1 }
        guard skipped.reported.insert("\(object.key)@\(object.resourceVersion)").inserted else { return }
        options.onError?(InformerFailure(phase: phase, error: .decoding(object.description), recovery: .skipObject(object)))
    }

    enum StreamedList {
        case listed((String, [UndecodableObject]))
        /// The server cannot stream lists: it refused the request, or ended the watch before the
        /// initial-events-end bookmark.
        case unsupported(KubeError)
    }

    /// A streaming list: a watch with `sendInitialEvents=true` and `resourceVersionMatch=NotOlderThan`
    /// from no resourceVersion (the newest state, as a consistent list gives), whose ADDED events
    /// up to the bookmark annotated `k8s.io/initial-events-end` are the list, at that bookmark's
    /// resourceVersion (goldens 128-131). The watch is closed there; the watch phase resumes from
    /// that resourceVersion.
    private func streamList(deliver: @Sendable (Delivery) -> Void) async throws(KubeError) -> StreamedList {
        var watchOptions = ListOptions(labelSelector: options.labelSelector, fieldSelector: options.fieldSelector,
                                       timeoutSeconds: watchTimeout())
        watchOptions.allowWatchBookmarks = true
        watchOptions.sendInitialEvents = true
        watchOptions.resourceVersionMatch = "NotOlderThan"
        var page: [Object] = []
        // The trees of the page's objects while every one came with its tree.
        var sources: [JSON]? = []
        var undecodable: [UndecodableObject] = []
        var started = false
        do {
            for try await sourced in resource.watchWithSources(watchOptions) {
                if !started {
                    started = true
                    deliver(.listStarted)
                }
                switch sourced.event {
                case let .added(object), let .modified(object):
                    // Only ADDED comes before the end; a MODIFIED would replace an earlier copy in the store.
                    page.append(prepare(object))
                    if let source = sourced.source { sources?.append(source) } else { sources = nil }
                    if page.count >= (options.pageSize > 0 ? options.pageSize : 500) {
                        deliver(.listed(page, sources: sources))
                        page = []
                        sources = []
                    }
                case .deleted:
                    break
                case let .undecodable(object):
                    undecodable.append(object)
                case let .bookmark(resourceVersion, initialEventsEnd):
                    if initialEventsEnd {
                        if !page.isEmpty { deliver(.listed(page, sources: sources)) }
                        return .listed((resourceVersion, undecodable))
                    }
                }
            }
        } catch let error as KubeError {
            if case .api = error, error.code == 422 || error.code == 400 { return .unsupported(error) }
            throw error
        } catch {
            if isCancellation(error) { throw .transport(.cancelled) }
            throw .decoding("\(error)")
        }
        return .unsupported(.decoding("the streaming list ended without the k8s.io/initial-events-end bookmark"))
    }

    /// Every page at the first page's resourceVersion; starts over on 410 at a continue token.
    private func list(deliver: @Sendable (Delivery) -> Void) async throws(KubeError) -> (String, [UndecodableObject]) {
        var restarts = 0
        while true {
            let pages = await listPages(deliver: deliver)
            switch pages {
            case let .success(result):
                return result
            case let .failure(failure):
                guard failure.error.isGone, failure.onContinue, restarts < options.listRestarts else { throw failure.error }
                restarts += 1
                report(.list, failure.error, .restartList)
            }
        }
    }

    private struct ListFailure: Error {
        var error: KubeError
        /// The failing request carried a continue token (a later page).
        var onContinue: Bool
    }

    private func listPages(deliver: @Sendable (Delivery) -> Void) async -> Result<(String, [UndecodableObject]), ListFailure> {
        var listOptions = ListOptions(labelSelector: options.labelSelector, fieldSelector: options.fieldSelector,
                                      limit: options.pageSize)
        var undecodable: [UndecodableObject] = []
        var resourceVersion: String?
        while true {
            let page: ObjectList<Object>
            do {
                page = try await resource.list(listOptions)
            } catch {
                return .failure(ListFailure(error: error, onContinue: listOptions.continueToken != nil))
            }
            stats { $0.listPages += 1 }
            if resourceVersion == nil {
                resourceVersion = page.resourceVersion
                deliver(.listStarted)
            }
            deliver(.listed(page.items.map(prepare), sources: page.sources))
            undecodable += page.undecodable
            guard let next = page.continueToken, !next.isEmpty else { break }
            listOptions.continueToken = next
        }
        return .success((resourceVersion ?? "", undecodable))
    }

    private func watchTimeout() -> Int {
        let range = options.watchTimeoutSeconds
        let span = Double(range.upperBound - range.lowerBound + 1)
        return min(range.upperBound, range.lowerBound + Int(options.random() * span))
    }

    /// The backoff's next delay, or the server's Retry-After when that is longer.
    private func delay(after error: any Error, _ backoff: inout ReconnectBackoff.Tracker) -> Duration {
        let delay = backoff.next(now: options.time.now(), random: options.random())
        if let after = (error as? KubeError)?.status?.details?.retryAfterSeconds, .seconds(after) > delay {
            return .seconds(after)
        }
        return delay
    }

    /// Sleeps the backoff; false when cancelled.
    private func wait(_ delay: Duration, _ backoff: inout ReconnectBackoff.Tracker) async -> Bool {
        do {
            try await options.time.sleep(delay)
        } catch {
            return false
        }
        if Task.isCancelled { return false }
        backoff.retrying(now: options.time.now())
        return true
    }

    private func report(_ phase: InformerFailure.Phase, _ error: any Error, _ recovery: InformerFailure.Recovery) {
        let kubeError = error as? KubeError ?? .decoding("\(error)")
        stats {
            $0.failures += 1
            if case .restartList = recovery { $0.listRestarts += 1 }
        }
        options.onError?(InformerFailure(phase: phase, error: kubeError, recovery: recovery))
    }

    private func isCancellation(_ error: any Error) -> Bool {
        if Task.isCancelled { return true }
        if error is CancellationError { return true }
        if case .transport(.cancelled)? = error as? KubeError { return true }
        return false
    }
}
