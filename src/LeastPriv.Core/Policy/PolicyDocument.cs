namespace LeastPriv.Core.Policy;

/// <summary>
/// An IAM policy document (identity- or resource-based): Version, optional Id, statements.
/// <para>
/// Serialization is deterministic: elements in IAM's documented order (Version, Id, Statement;
/// Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition),
/// lists in model order, <c>Statement</c> always an array, and a one-value list written as a
/// plain string the way AWS writes generated policies. Parsing accepts every form IAM accepts
/// (a single statement object, string or array values, JSON booleans and numbers as condition
/// values), so <c>Parse(x.ToJson()) == x</c>.
/// </para>
/// <para>
/// Equality is structural: same Version and Id, the same statements in the same order, each
/// compared with IAM's case and set rules (see <see cref="PolicyStatement"/>).
/// </para>
/// </summary>
public sealed record PolicyDocument
{
    /// <summary>The current policy language version; generated policies always use it.</summary>
    public const string Version2012 = "2012-10-17";

    /// <summary>The older version IAM still accepts (no policy variables).</summary>
    public const string Version2008 = "2008-10-17";

    private readonly IReadOnlyList<PolicyStatement> _statements = Array.Empty<PolicyStatement>();

    /// <summary>Null when the document has no Version element (IAM then assumes 2008-10-17).</summary>
    public string? Version { get; init; } = Version2012;

    public string? Id { get; init; }

    public IReadOnlyList<PolicyStatement> Statements
    {
        get => _statements;
        init => _statements = (value ?? throw new ArgumentNullException(nameof(value))).ToList().AsReadOnly();
    }

    /// <summary>Parses IAM policy JSON; throws a <see cref="LeastPrivException"/> (PolicyJsonMalformed / PolicyDocumentInvalid) on bad input.</summary>
    public static PolicyDocument Parse(string json) => PolicyJsonReader.Parse(json);

    /// <summary>Parses IAM policy JSON without throwing; <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string json, out PolicyDocument? document, out string? error)
    {
        try
        {
            document = PolicyJsonReader.Parse(json);
            error = null;
            return true;
        }
        catch (LeastPrivException ex)
        {
            document = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>The document as IAM JSON, compact (what IAM stores) or indented with two spaces.</summary>
    public string ToJson(bool indented = false) => PolicyJsonWriter.WriteDocument(this, indented);

    /// <summary>
    /// Size as IAM counts it against its quotas (managed policy 6,144 characters, inline 2,048 per
    /// user / 10,240 per role): characters of the JSON not counting white space.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
    /// </summary>
    public int IamSize => CountIamCharacters(ToJson(indented: false));

    /// <summary>IAM's size of any policy text: every character except white space.</summary>
    public static int CountIamCharacters(string json)
    {
        var count = 0;
        foreach (var c in json)
        {
            if (!char.IsWhiteSpace(c))
            {
                count++;
            }
        }

        return count;
    }

    public bool Equals(PolicyDocument? other) =>
        other is not null
        && string.Equals(Version, other.Version, StringComparison.Ordinal)
        && string.Equals(Id, other.Id, StringComparison.Ordinal)
        && Statements.SequenceEqual(other.Statements);

    public override int GetHashCode()
    {
        unchecked
        {
            var hash = (Version is null ? 0 : StringComparer.Ordinal.GetHashCode(Version)) * 397;
            hash ^= Id is null ? 0 : StringComparer.Ordinal.GetHashCode(Id);
            foreach (var statement in Statements)
            {
                hash = (hash * 31) + statement.GetHashCode();
            }

            return hash;
        }
    }

    /// <summary>The document as compact IAM JSON.</summary>
    public override string ToString() => ToJson();
}
