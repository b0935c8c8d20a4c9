using System.Text.RegularExpressions;
using CsCheck;
using LeastPriv.Core.Catalog;
using Xunit;

namespace LeastPriv.Core.Tests.Catalog;

public sealed class WildcardPatternTests
{
    [Theory]
    [InlineData("Get*", "GetObject", true)]
    [InlineData("Get*", "getobject", true)]
    [InlineData("Get*", "PutObject", false)]
    [InlineData("*Object", "GetObject", true)]
    [InlineData("*Obj*ct*", "GetObjectAcl", true)]
    [InlineData("Get?bject", "GetObject", true)]
    [InlineData("Get?bject", "GetObjects", false)]
    [InlineData("*", "", true)]
    [InlineData("?", "", false)]
    [InlineData("a*b*c", "abxbxc", true)]
    [InlineData("a*b*c", "abxbxd", false)]
    public void IsMatch_Pattern_FollowsIamWildcards(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, WildcardPattern.IsMatch(pattern, text));
    }

    [Fact]
    public void IsMatch_RandomPatterns_AgreesWithRegexTranslation()
    {
        // Property: the linear matcher agrees with the obvious regex (* -> .*, ? -> ., case-insensitive).
        var alphabet = Gen.Char["abAB*?"];
        Gen.Select(alphabet.Array[0, 8], Gen.Char["abAB"].Array[0, 10])
            .Sample((p, t) =>
            {
                var pattern = new string(p);
                var text = new string(t);
                var regex = "^" + string.Concat(pattern.Select(c => c switch { '*' => ".*", '?' => ".", _ => Regex.Escape(c.ToString()) })) + "$";
                return WildcardPattern.IsMatch(pattern, text) == Regex.IsMatch(text, regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            });
    }
}
