using CsCheck;
using LeastPriv.Core.Policy;
using Xunit;

namespace LeastPriv.Core.Tests.Policy;

/// <summary>Property: any model the toolkit can build survives serialize -> parse unchanged.</summary>
public sealed class PolicyRoundTripPropertyTests
{
    // Printable text including the characters JSON must escape and ones relaxed escaping keeps.
    private static readonly Gen<string> Text = Gen.String[Gen.Char["abcXYZ019:/*?$-_{}+<>&\"\\ é\t"], 1, 12];

    private static readonly Gen<IReadOnlyList<string>> Values = Text.List[0, 4].Select(l => (IReadOnlyList<string>)l);

    private static readonly Gen<IReadOnlyList<string>?> OptionalValues =
        Gen.Frequency((1, Gen.Const((IReadOnlyList<string>?)null)), (3, Values.Select(v => (IReadOnlyList<string>?)v)));

    private static readonly Gen<PolicyPrincipal?> Principal = Gen.Frequency(
        (4, Gen.Const((PolicyPrincipal?)null)),
        (1, Gen.Const((PolicyPrincipal?)PolicyPrincipal.Anyone)),
        (2, Gen.Select(Gen.OneOf("AWS", "Service", "Federated", "CanonicalUser").List[1, 3], Values)
            .Select((types, values) => (PolicyPrincipal?)PolicyPrincipal.Of(
                types.Select(t => new KeyValuePair<string, IEnumerable<string>>(t, values))))));

    private static readonly Gen<PolicyCondition> Condition =
        Gen.Select(Gen.OneOf("StringEquals", "StringLike", "ArnLike", "Bool", "ForAnyValue:StringEquals", "NumericLessThanIfExists"), Text, Values)
            .List[0, 4]
            .Select(clauses => PolicyCondition.Of(clauses.Select(c => new ConditionClause(c.Item1, c.Item2, c.Item3))));

    private static readonly Gen<PolicyStatement> Statement =
        Gen.Select(Text.Null(), Gen.Bool, Gen.Bool, Values, OptionalValues, Principal, Condition, Gen.Bool)
            .Select((sid, deny, notAction, actions, resources, principal, condition, notResource) => new PolicyStatement
            {
                Sid = sid,
                Effect = deny ? PolicyEffect.Deny : PolicyEffect.Allow,
                Action = notAction ? null : actions,
                NotAction = notAction ? actions : null,
                Resource = notResource ? null : resources,
                NotResource = notResource ? resources : null,
                Principal = principal,
                Condition = condition,
            });

    private static readonly Gen<PolicyDocument> Document =
        Gen.Select(Gen.OneOf<string?>(PolicyDocument.Version2012, PolicyDocument.Version2008, null), Text.Null(), Statement.List[0, 5])
            .Select((version, id, statements) => new PolicyDocument { Version = version, Id = id, Statements = statements });

    [Fact]
    public void ParseToJson_AnyDocument_RoundTripsCompactAndIndented()
    {
        Document.Sample(doc =>
            PolicyDocument.Parse(doc.ToJson()).Equals(doc)
            && PolicyDocument.Parse(doc.ToJson(indented: true)).Equals(doc));
    }

    [Fact]
    public void ToJson_ParsedDocument_IsAFixedPoint()
    {
        Document.Sample(doc =>
        {
            var once = doc.ToJson();
            return PolicyDocument.Parse(once).ToJson() == once;
        });
    }

    [Fact]
    public void IamSize_AnyDocument_EqualsNonWhitespaceCharactersOfEitherLayout()
    {
        Document.Sample(doc =>
            doc.IamSize == PolicyDocument.CountIamCharacters(doc.ToJson(indented: true))
            && doc.IamSize <= doc.ToJson().Length);
    }

    [Fact]
    public void Equals_EqualDocuments_HaveEqualHashCodes()
    {
        Document.Sample(doc =>
        {
            var copy = PolicyDocument.Parse(doc.ToJson());
            return copy.Equals(doc) && copy.GetHashCode() == doc.GetHashCode();
        });
    }
}
