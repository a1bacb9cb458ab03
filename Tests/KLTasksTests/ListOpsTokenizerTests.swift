import Testing
@testable import KLTasks

@Suite struct ListOpsTokenizerTests {
    @Test func keepsOperatorsAndBracketsAndDropsParentheses() {
        let tokenizer = ListOpsTokenizer()
        let ids = tokenizer.encode("( ( ( [MAX 2 ) 9 ) ] )")
        #expect(tokenizer.decode(ids) == ["[MAX", "2", "9", "]"])
        #expect(ids == [12, 3, 10, 15])
    }

    @Test func unknownTokensGetTheUnknownID() {
        let tokenizer = ListOpsTokenizer()
        #expect(tokenizer.encode("[FIRST 3 ]") == [ListOpsTokenizer.unknownID, 4, 15])
        #expect(ListOpsTokenizer.vocabularySize == 17)
    }
}
