import Foundation

/// `index.html` of an inspection: the summary and every chart inlined, one page to look at.
enum InspectionPage {
    /// The page for `summary` and the SVG `figures` (name, document).
    static func html(title: String, summary: String, figures: [(String, String)]) -> String {
        let body = figures.map { name, svg in
            let inline = svg.hasPrefix("<?xml") ? String(svg.drop { $0 != "\n" }.dropFirst()) : svg
            return "<figure><figcaption>\(escaped(name))</figcaption>\n\(inline)</figure>"
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escaped(title))</title>
            <style>body{font-family:sans-serif;margin:16px;background:#fff}pre{font-size:12px;background:#f6f6f6;padding:8px;white-space:pre-wrap}\
            figure{margin:12px 0}figcaption{font-size:12px;color:#555}svg{max-width:100%;height:auto}</style></head>
            <body><h1>\(escaped(title))</h1>
            <pre>\(escaped(summary))</pre>
            \(body)
            </body></html>

            """
    }

    /// `text` with &, < and > escaped.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
