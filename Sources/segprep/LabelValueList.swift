import ArgumentParser
import SegPrep

/// `--classes` of check, augment and split: label values such as `0,1,2` or
/// `0-150,255`, parsed once when the command line is read (a bad list is a
/// usage error before any file is touched).
struct LabelValueList: ExpressibleByArgument {
    let values: Set<Int>

    init?(argument: String) {
        guard let list = try? MappingParser.values(argument) else { return nil }
        values = Set(list)
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
