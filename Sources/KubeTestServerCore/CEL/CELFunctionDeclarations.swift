/// One signature of a CEL function: `member` overloads are called as `x.f(...)`, with the
/// receiver as the first parameter. Type parameters (`A`, `B`) are fresh for every call.
struct CELOverload: Sendable {
    let id: String
    let member: Bool
    let params: [CELType]
    let result: CELType
}

/// The functions the checker knows: the CEL standard library (with the cross-type numeric
/// comparisons Kubernetes enables), the optional-types library, cel-go's strings extension at
/// the version Kubernetes pins (v2: no string `reverse`), its lists extension (v3), sets, and the
/// Kubernetes list and regex libraries. Overload ids are cel-go's where the cost estimator tells them apart.
///
/// Kubernetes' url, ip/cidr, quantity, semver and format libraries are not declared: the evaluator does not implement them, and a rule using one is refused at CRD
/// creation ("undeclared reference") rather than accepted and failing on every object.
enum CELFunctionDeclarations {
    static func overloads(_ name: String) -> [CELOverload]? { table[name] }

    private static let a = CELType.typeParam("A")
    private static let b = CELType.typeParam("B")

    private static func global(_ id: String, _ params: [CELType], _ result: CELType) -> CELOverload {
        CELOverload(id: id, member: false, params: params, result: result)
    }

    private static func member(_ id: String, _ params: [CELType], _ result: CELType) -> CELOverload {
        CELOverload(id: id, member: true, params: params, result: result)
    }

    /// The six orderable pairs plus the cross-type numeric ones, for `<`, `<=`, `>`, `>=`.
    private static func ordering(_ prefix: String) -> [CELOverload] {
        let same: [(String, CELType)] = [
            ("bool", .bool), ("int64", .int), ("uint64", .uint), ("double", .double), ("string", .string),
            ("bytes", .bytes), ("timestamp", .timestamp), ("duration", .duration),
        ]
        let cross: [(String, CELType, CELType)] = [
            ("int64_double", .int, .double), ("int64_uint64", .int, .uint), ("uint64_double", .uint, .double),
            ("uint64_int64", .uint, .int), ("double_int64", .double, .int), ("double_uint64", .double, .uint),
        ]
        return same.map { global("\(prefix)_\($0.0)", [$0.1, $0.1], .bool) }
            + cross.map { global("\(prefix)_\($0.0)", [$0.1, $0.2], .bool) }
    }

    private static func conversions(_ name: String, _ result: CELType, from: [(String, CELType)]) -> [CELOverload] {
        from.map { global("\($0.0)_to_\(name)", [$0.1], result) }
    }

    /// Timestamp accessors with an optional time zone; the four that also read durations.
    private static func timeAccessor(_ id: String, durations: Bool) -> [CELOverload] {
        var list = [
            member("timestamp_to_\(id)", [.timestamp], .int),
            member("timestamp_to_\(id)_with_tz", [.timestamp, .string], .int),
        ]
        if durations { list.append(member("duration_to_\(id)", [.duration], .int)) }
        return list
    }

    private static let comparable: [(String, CELType)] = [
        ("int", .int), ("uint", .uint), ("double", .double), ("bool", .bool), ("string", .string), ("bytes", .bytes),
        ("duration", .duration), ("timestamp", .timestamp),
    ]

    private static let table: [String: [CELOverload]] = {
        var t: [String: [CELOverload]] = [
            "_?_:_": [global("conditional", [.bool, a, a], a)],
            "_&&_": [global("logical_and", [.bool, .bool], .bool)],
            "_||_": [global("logical_or", [.bool, .bool], .bool)],
            "!_": [global("logical_not", [.bool], .bool)],
            "@not_strictly_false": [global("not_strictly_false", [.bool], .bool)],
            "_==_": [global("equals", [a, a], .bool)],
            "_!=_": [global("not_equals", [a, a], .bool)],
            "_+_": [
                global("add_bytes", [.bytes, .bytes], .bytes), global("add_double", [.double, .double], .double),
                global("add_duration_duration", [.duration, .duration], .duration),
                global("add_duration_timestamp", [.duration, .timestamp], .timestamp),
                global("add_timestamp_duration", [.timestamp, .duration], .timestamp),
                global("add_int64", [.int, .int], .int), global("add_list", [.list(a), .list(a)], .list(a)),
                global("add_string", [.string, .string], .string), global("add_uint64", [.uint, .uint], .uint),
            ],
            "_/_": [
                global("divide_double", [.double, .double], .double), global("divide_int64", [.int, .int], .int),
                global("divide_uint64", [.uint, .uint], .uint),
            ],
            "_%_": [global("modulo_int64", [.int, .int], .int), global("modulo_uint64", [.uint, .uint], .uint)],
            "_*_": [
                global("multiply_double", [.double, .double], .double), global("multiply_int64", [.int, .int], .int),
                global("multiply_uint64", [.uint, .uint], .uint),
            ],
            "-_": [global("negate_double", [.double], .double), global("negate_int64", [.int], .int)],
            "_-_": [
                global("subtract_double", [.double, .double], .double),
                global("subtract_duration_duration", [.duration, .duration], .duration),
                global("subtract_int64", [.int, .int], .int),
                global("subtract_timestamp_duration", [.timestamp, .duration], .timestamp),
                global("subtract_timestamp_timestamp", [.timestamp, .timestamp], .duration),
                global("subtract_uint64", [.uint, .uint], .uint),
            ],
            "_<_": ordering("less"),
            "_<=_": ordering("less_equals"),
            "_>_": ordering("greater"),
            "_>=_": ordering("greater_equals"),
            "_[_]": [
                global("index_list", [.list(a), .int], a), global("index_map", [.map(a, b), a], b),
                global("optional_list_index_int", [.optional(.list(a)), .int], .optional(a)),
                global("optional_map_index_value", [.optional(.map(a, b)), a], .optional(b)),
            ],
            "_[?_]": [
                global("list_optindex_optional_int", [.list(a), .int], .optional(a)),
                global("optional_list_optindex_optional_int", [.optional(.list(a)), .int], .optional(a)),
                global("map_optindex_optional_value", [.map(a, b), a], .optional(b)),
                global("optional_map_optindex_optional_value", [.optional(.map(a, b)), a], .optional(b)),
            ],
            "@in": [global("in_list", [a, .list(a)], .bool), global("in_map", [a, .map(a, b)], .bool)],
            "size": [
                global("size_bytes", [.bytes], .int), member("bytes_size", [.bytes], .int),
                global("size_list", [.list(a)], .int), member("list_size", [.list(a)], .int),
                global("size_map", [.map(a, b)], .int), member("map_size", [.map(a, b)], .int),
                global("size_string", [.string], .int), member("string_size", [.string], .int),
            ],
            "type": [global("type", [a], .type(a))],
            "dyn": [global("to_dyn", [a], .dyn)],
            "bool": conversions("bool", .bool, from: [("bool", .bool), ("string", .string)]),
            "bytes": conversions("bytes", .bytes, from: [("bytes", .bytes), ("string", .string)]),
            "double": conversions("double", .double, from: [("double", .double), ("int64", .int), ("string", .string), ("uint64", .uint)]),
            "duration": conversions("duration", .duration, from: [("duration", .duration), ("int64", .int), ("string", .string)]),
            "int": conversions("int64", .int, from: [
                ("int64", .int), ("double", .double), ("duration", .duration), ("string", .string), ("timestamp", .timestamp),
                ("uint64", .uint),
            ]),
            "string": conversions("string", .string, from: [
                ("string", .string), ("bool", .bool), ("bytes", .bytes), ("double", .double), ("duration", .duration),
                ("int64", .int), ("timestamp", .timestamp), ("uint64", .uint),
            ]),
            "timestamp": conversions("timestamp", .timestamp, from: [("timestamp", .timestamp), ("int64", .int), ("string", .string)]),
            "uint": conversions("uint64", .uint, from: [("uint64", .uint), ("double", .double), ("int64", .int), ("string", .string)]),
            "contains": [member("contains_string", [.string, .string], .bool)],
            "endsWith": [member("ends_with_string", [.string, .string], .bool)],
            "startsWith": [member("starts_with_string", [.string, .string], .bool)],
            "matches": [global("matches", [.string, .string], .bool), member("matches_string", [.string, .string], .bool)],
            "getFullYear": timeAccessor("year", durations: false),
            "getMonth": timeAccessor("month", durations: false),
            "getDayOfYear": timeAccessor("day_of_year", durations: false),
            "getDayOfMonth": timeAccessor("day_of_month_zero_based", durations: false),
            "getDate": timeAccessor("day_of_month_one_based", durations: false),
            "getDayOfWeek": timeAccessor("day_of_week", durations: false),
            "getHours": timeAccessor("hours", durations: true),
            "getMinutes": timeAccessor("minutes", durations: true),
            "getSeconds": timeAccessor("seconds", durations: true),
            "getMilliseconds": timeAccessor("milliseconds", durations: true),
            // Optional types.
            "optional.of": [global("optional_of", [a], .optional(a))],
            "optional.ofNonZeroValue": [global("optional_ofNonZeroValue", [a], .optional(a))],
            "optional.none": [global("optional_none", [], .optional(a))],
            "hasValue": [member("optional_hasValue", [.optional(a)], .bool)],
            "value": [member("optional_value", [.optional(a)], a)],
            "or": [member("optional_or_optional", [.optional(a), .optional(a)], .optional(a))],
            "orValue": [member("optional_orValue_value", [.optional(a), a], a)],
            // cel-go strings extension, version 2.
            "charAt": [member("string_char_at_int", [.string, .int], .string)],
            "indexOf": [
                member("string_index_of_string", [.string, .string], .int),
                member("string_index_of_string_int", [.string, .string, .int], .int),
                member("list_a_index_of_int", [.list(a), a], .int),
            ],
            "lastIndexOf": [
                member("string_last_index_of_string", [.string, .string], .int),
                member("string_last_index_of_string_int", [.string, .string, .int], .int),
                member("list_a_last_index_of_int", [.list(a), a], .int),
            ],
            "lowerAscii": [member("string_lower_ascii", [.string], .string)],
            "upperAscii": [member("string_upper_ascii", [.string], .string)],
            "replace": [
                member("string_replace_string_string", [.string, .string, .string], .string),
                member("string_replace_string_string_int", [.string, .string, .string, .int], .string),
            ],
            "split": [
                member("string_split_string", [.string, .string], .list(.string)),
                member("string_split_string_int", [.string, .string, .int], .list(.string)),
            ],
            "substring": [
                member("string_substring_int", [.string, .int], .string),
                member("string_substring_int_int", [.string, .int, .int], .string),
            ],
            "trim": [member("string_trim", [.string], .string)],
            "join": [
                member("list_join", [.list(.string)], .string),
                member("list_join_string", [.list(.string), .string], .string),
            ],
            "format": [member("string_format", [.string, .list(.dyn)], .string)],
            "strings.quote": [global("strings_quote", [.string], .string)],
            // cel-go sets extension.
            "sets.contains": [global("list_sets_contains_list", [.list(a), .list(a)], .bool)],
            "sets.equivalent": [global("list_sets_equivalent_list", [.list(a), .list(a)], .bool)],
            "sets.intersects": [global("list_sets_intersects_list", [.list(a), .list(a)], .bool)],
            // Kubernetes regex library.
            "find": [member("string_find_string", [.string, .string], .string)],
            "findAll": [
                member("string_find_all_string", [.string, .string], .list(.string)),
                member("string_find_all_string_int", [.string, .string, .int], .list(.string)),
            ],
        ]
        // Kubernetes list library.
        t["isSorted"] = comparable.map { member("list_\($0.0)_is_sorted_bool", [.list($0.1)], .bool) }
        t["sum"] = [("int", CELType.int), ("uint", .uint), ("double", .double), ("duration", .duration)]
            .map { member("list_\($0.0)_sum_\($0.0)", [.list($0.1)], $0.1) }
        t["min"] = comparable.map { member("list_\($0.0)_min_\($0.0)", [.list($0.1)], $0.1) }
        t["max"] = comparable.map { member("list_\($0.0)_max_\($0.0)", [.list($0.1)], $0.1) }
        // cel-go lists extension, version 3 (Kubernetes 1.34+).
        t["distinct"] = [member("list_distinct", [.list(a)], .list(a))]
        t["reverse"] = [member("list_reverse", [.list(a)], .list(a))]
        t["slice"] = [member("list_slice", [.list(a), .int, .int], .list(a))]
        t["flatten"] = [member("list_flatten", [.list(.list(a))], .list(a)), member("list_flatten_int", [.list(.dyn), .int], .list(.dyn))]
        t["sort"] = comparable.map { member("list_\($0.0)_sort", [.list($0.1)], .list($0.1)) }
        t["first"] = [member("list_first", [.list(a)], .optional(a))]
        t["last"] = [member("list_last", [.list(a)], .optional(a))]
        t["lists.range"] = [global("lists_range", [.int], .list(.int))]
        return t
    }()

    /// Identifiers that name types (`type(x) == string`).
    static let typeIdentifiers: [String: CELType] = [
        "bool": .type(.bool), "bytes": .type(.bytes), "double": .type(.double), "int": .type(.int),
        "list": .type(.list(.dyn)), "map": .type(.map(.dyn, .dyn)), "null_type": .type(.null),
        "string": .type(.string), "type": .type(.type(nil)), "uint": .type(.uint),
    ]
}
