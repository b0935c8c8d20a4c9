using System.Text;
using CsCheck;
using LeastPriv.Core.Policy;
using LeastPriv.Core.Policy.Lint;
using LeastPriv.Core.Tests.Toolkit;
using Xunit;
using Xunit.Abstractions;

namespace LeastPriv.Core.Tests.Reliability;

/// <summary>
/// The policy parser and the Test-LPPolicy lint path under property-based fuzzing: random valid
/// policies turned to JSON, then mutated, truncated, spliced and salted. A parse either succeeds
/// (and the lint and a round trip then never throw) or fails with the documented typed errors.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class PolicyParserFuzzTests
{
    private static readonly HashSet<string> DocumentedErrors = ["PolicyJsonMalformed", "PolicyDocumentInvalid"];

    private static readonly string[] Salt =
    [
        new string('[', 200), new string('{', 200), string.Concat(Enumerable.Repeat("{\"a\":", 100)),
        "1e99999", "\"\\ud800\"", "\"\\u00\"", "null", "true", "[]", "{}", "\"\"", "\u0000", "\uFEFF",
        "\"Statement\":", "\"Effect\":\"Maybe\"", "\"Action\":[1,2]", "\"Resource\":{\"a\":1}", "\"Condition\":{\"StringEquals\":[]}",
        "\"Principal\":\"*\"", "\"NotAction\":\"*\"", "\"Version\":\"2012-10-17\"", "arn:aws:s3:::*", "arn:", "::::::", "*", "s3:", ":",
        "${aws:username}", "\\", "\"", ",", ":",
    ];

    private static readonly Gen<string> PolicyJson = Gen.Frequency(
        (20, ToolkitGen.Document.Select(d => d.ToJson())),
        (1, ToolkitGen.LargeDocument.Select(d => d.ToJson())));

    private readonly ITestOutputHelper _output;

    public PolicyParserFuzzTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void ParseAndLint_MutatedPolicyJson_OnlyDocumentedErrorsWithinTimeAndMemory()
    {
        var budget = new FuzzBudget();
        var gen = Gen.Select(PolicyJson, PolicyJson, Gen.Int[0, 6], Gen.Int[0, int.MaxValue], Gen.Int[0, Salt.Length - 1], Gen.Char.Array[1, 8], Gen.Int[0, 3]);
        long parsed = 0;

        budget.RunAll(() => gen.Sample(
            (json, other, kind, position, salt, chars, target) =>
            {
                var text = Mutate(json, other, kind, position, Salt[salt], new string(chars));
                budget.Run($"mutation {kind} at {position}, salt {salt}, {text.Length} chars", () =>
                {
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    PolicyDocument document;
                    try
                    {
                        document = PolicyDocument.Parse(text);
                    }
                    catch (LeastPrivException ex)
                    {
                        Assert.Contains(ex.ErrorId, DocumentedErrors);
                        Assert.True(ex.Category is LPErrorCategory.ParserError or LPErrorCategory.InvalidData, ex.Category.ToString());
                        return;
                    }

                    Interlocked.Increment(ref parsed);
                    _ = PolicyLinter.Lint(document, (LPPolicyTarget)(target % Enum.GetValues<LPPolicyTarget>().Length)).ToList();
                    Assert.Equal(document.ToJson(), PolicyDocument.Parse(document.ToJson()).ToJson());
                    var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    Assert.True(allocated <= CloudTrailReaderFuzzTests.MemoryBound(text.Length * 2), $"{allocated:N0} bytes allocated for {text.Length:N0} characters");
                });
            },
            time: FuzzBudget.Seconds,
            threads: 1));

        _output.WriteLine(budget.Summary("Policy parser and lint") + $"; {parsed:N0} inputs parsed and linted");
        Assert.True(budget.Executions > 0);
    }

    private static string Mutate(string json, string other, int kind, int position, string salt, string chars)
    {
        var text = new StringBuilder(json);
        var at = position % (text.Length + 1);
        switch (kind)
        {
            case 0:
                for (var i = 0; i < chars.Length && at + i < text.Length; i++)
                {
                    text[at + i] = chars[i];
                }

                break;
            case 1:
                text.Insert(at, salt);
                break;
            case 2:
                text.Remove(at, Math.Min(chars.Length * 7, text.Length - at));
                break;
            case 3:
                text.Length = at;
                break;
            case 4:
                text.Length = at;
                text.Append(other.AsSpan(position % (other.Length + 1)));
                break;
            case 5:
                // Case changes break the case-sensitive element names.
                for (var i = at; i < Math.Min(text.Length, at + 12); i++)
                {
                    text[i] = char.IsUpper(text[i]) ? char.ToLowerInvariant(text[i]) : char.ToUpperInvariant(text[i]);
                }

                break;
            default:
                text.Insert(at, chars);
                break;
        }

        return text.ToString();
    }
}
