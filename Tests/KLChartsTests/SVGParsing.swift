import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An element of a parsed SVG document.
final class XMLElement {
    let name: String
    let attributes: [String: String]
    var children: [XMLElement] = []
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// This element and all its descendants, in document order.
    var allElements: [XMLElement] { [self] + children.flatMap(\.allElements) }

    /// Every element named `name` at or below this one, in document order.
    func elements(named name: String) -> [XMLElement] { allElements.filter { $0.name == name } }

    /// The attribute `key` read as a number.
    func number(_ key: String) -> Double? { attributes[key].flatMap(Double.init) }
}

/// Parses SVG text with Foundation's `XMLParser`; `nil` when it is not well-formed XML.
func parseSVG(_ text: String) -> XMLElement? {
    let builder = TreeBuilder()
    let parser = XMLParser(data: Data(text.utf8))
    parser.delegate = builder
    guard parser.parse(), builder.stack.isEmpty else { return nil }
    return builder.root
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var root: XMLElement?
    var stack: [XMLElement] = []

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let element = XMLElement(name: elementName, attributes: attributes)
        if let parent = stack.last { parent.children.append(element) } else { root = element }
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }
}
