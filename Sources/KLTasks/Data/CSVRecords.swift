/// The records of an RFC 4180 CSV file: fields separated by commas, records by line breaks (LF or
/// CRLF), a field in double quotes holding commas, line breaks and doubled quotes (`""` for `"`).
enum CSVRecords {
    /// One record: its fields' bytes and the line it starts on.
    struct Record {
        var fields: [[UInt8]]
        var line: Int
    }

    /// The records of `bytes` (blank lines skipped); a quote still open at the end throws
    /// `TextDataError.malformedLine` naming `path` and the line the record started on.
    static func parse(_ bytes: [UInt8], path: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [[UInt8]] = [], field: [UInt8] = []
        var line = 1, recordLine = 1, index = 0, quoted = false, fieldStarted = false
        func endRecord() {
            if fieldStarted || !fields.isEmpty || !field.isEmpty { records.append(Record(fields: fields + [field], line: recordLine)) }
            (fields, field, fieldStarted) = ([], [], false)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == 0x22 {
                    if index + 1 < bytes.count, bytes[index + 1] == 0x22 { field.append(0x22); index += 1 } else { quoted = false }
                } else {
                    if byte == 0x0A { line += 1 }
                    field.append(byte)
                }
            } else {
                switch byte {
                case 0x22 where field.isEmpty: quoted = true; fieldStarted = true
                case 0x2C: fields.append(field); field = []; fieldStarted = true
                case 0x0D where index + 1 < bytes.count && bytes[index + 1] == 0x0A: break
                case 0x0A:
                    endRecord()
                    line += 1
                    recordLine = line
                default: field.append(byte); fieldStarted = true
                }
            }
            index += 1
        }
        guard !quoted else {
            throw TextDataError.malformedLine(path: path, line: recordLine, expected: "a closing double quote", found: String(decoding: field.prefix(80), as: UTF8.self))
        }
        endRecord()
        return records
    }
}
