import Foundation

/// Puts log files in the order they were written: a rotation chain oldest first.
///
/// `maillog.3.gz`, `maillog.2.gz`, `maillog.1`, `maillog`, and dated names (`maillog-20261127.gz`,
/// `maillog-20261128`, `maillog`). Compression suffixes are ignored for ordering. Files of different
/// chains keep the order in which their chains first appear. Directories are replaced by the regular,
/// non-hidden files they contain.
public enum RotationOrder {
    public static func expand(_ paths: [String]) -> [String] {
        var out: [String] = []
        for p in paths {
            var isDir: ObjCBool = false
            if p != "-", FileManager.default.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue,
               let names = try? FileManager.default.contentsOfDirectory(atPath: p) {
                // By name: readdir's order differs between file systems, and chains keep the order in
                // which they first appear.
                for n in names.sorted() where !n.hasPrefix(".") {
                    let full = (p as NSString).appendingPathComponent(n)
                    var d: ObjCBool = false
                    if FileManager.default.fileExists(atPath: full, isDirectory: &d), !d.boolValue { out.append(full) }
                }
            } else {
                out.append(p)
            }
        }
        return sorted(out)
    }

    /// Rotation order; stable for names that are not part of a chain.
    public static func sorted(_ paths: [String]) -> [String] {
        var groupIndex: [String: Int] = [:]
        let keyed = paths.enumerated().map { (i, p) -> (group: Int, rank: (Int, Int), index: Int, path: String) in
            let (base, rank) = key(p)
            let g = groupIndex[base] ?? groupIndex.count
            groupIndex[base] = g
            return (g, rank, i, p)
        }
        return keyed.sorted {
            if $0.group != $1.group { return $0.group < $1.group }
            if $0.rank != $1.rank { return $0.rank < $1.rank }
            return $0.index < $1.index
        }.map(\.path)
    }

    /// The chain a path belongs to and its age rank within it (smaller is older).
    static func key(_ path: String) -> (String, (Int, Int)) {
        if path == "-" { return ("-", (2, 0)) }
        var name = path
        for ext in [".gz", ".bz2", ".xz", ".zst", ".z", ".Z"] where name.hasSuffix(ext) {
            name.removeLast(ext.count)
            break
        }
        // maillog.N
        if let dot = name.lastIndex(of: "."), let n = Int(name[name.index(after: dot)...]), n < 100_000 {
            return (String(name[..<dot]), (0, -n))
        }
        // maillog-YYYYMMDD or maillog-YYYYMMDDHH (logrotate dateext) or maillog.YYYYMMDD
        if let sep = name.lastIndex(where: { $0 == "-" || $0 == "." || $0 == "_" }) {
            let tail = name[name.index(after: sep)...]
            if tail.count >= 8, tail.count <= 10, let d = Int(tail) {
                return (String(name[..<sep]), (1, d))
            }
        }
        return (name, (2, 0))
    }
}
