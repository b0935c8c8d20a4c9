namespace LeastPriv.Core.Catalog;

// CONTRACT (to be implemented in this folder): the public surface below is what the readers,
// the generator and the policy toolkit code against. Signatures may grow, not change.

/// <summary>The embedded IAM action catalog snapshot.</summary>
public sealed class IamCatalog
{
    /// <summary>The embedded snapshot, loaded once on first use (thread-safe).</summary>
    public static IamCatalog Default => throw new NotImplementedException();

    /// <summary>npm version of the data package the snapshot was made from, e.g. 0.21.202609261.</summary>
    public string DataVersion => throw new NotImplementedException();

    /// <summary>Date of the data (from the version's date segment).</summary>
    public DateTime DataDate => throw new NotImplementedException();

    public IReadOnlyCollection<IamService> Services => throw new NotImplementedException();

    /// <summary>Service by IAM prefix, case-insensitive ("s3", "lambda").</summary>
    public bool TryGetService(string prefix, out IamService service) => throw new NotImplementedException();

    /// <summary>Action by "prefix:Name", case-insensitive.</summary>
    public bool TryGetAction(string action, out IamAction iamAction) => throw new NotImplementedException();

    /// <summary>Expands an action pattern with * and ? ("s3:Get*", "*") into catalog actions, sorted.</summary>
    public IReadOnlyList<IamAction> Expand(string actionPattern) => throw new NotImplementedException();
}

public sealed class IamService
{
    public string Prefix => throw new NotImplementedException();

    public string Name => throw new NotImplementedException();

    /// <summary>Actions keyed by name, case-insensitive.</summary>
    public IReadOnlyDictionary<string, IamAction> Actions => throw new NotImplementedException();

    /// <summary>Resource types keyed by name, case-insensitive.</summary>
    public IReadOnlyDictionary<string, IamResourceType> ResourceTypes => throw new NotImplementedException();
}

public enum IamAccessLevel
{
    List,
    Read,
    Write,
    Tagging,
    PermissionsManagement,
}

public sealed class IamAction
{
    public string ServicePrefix => throw new NotImplementedException();

    /// <summary>AWS casing, e.g. GetObject.</summary>
    public string Name => throw new NotImplementedException();

    /// <summary>"s3:GetObject".</summary>
    public string FullName => throw new NotImplementedException();

    public IamAccessLevel AccessLevel => throw new NotImplementedException();

    /// <summary>Resource types the action can be scoped to; empty when it only supports "*".</summary>
    public IReadOnlyList<IamActionResource> Resources => throw new NotImplementedException();

    public IReadOnlyList<string> ConditionKeys => throw new NotImplementedException();

    /// <summary>Dependent actions ("iam:PassRole"), from the older data package that still carries them.</summary>
    public IReadOnlyList<string> DependentActions => throw new NotImplementedException();

    public bool SupportsResourceLevel => Resources.Count > 0;
}

public sealed class IamActionResource
{
    public IamResourceType ResourceType => throw new NotImplementedException();

    public bool Required => throw new NotImplementedException();
}

public sealed class IamResourceType
{
    public string ServicePrefix => throw new NotImplementedException();

    public string Name => throw new NotImplementedException();

    /// <summary>ARN template, e.g. arn:${Partition}:s3:::${BucketName}/${ObjectName}.</summary>
    public string ArnTemplate => throw new NotImplementedException();

    /// <summary>True when <paramref name="arn"/> has this resource type's shape.</summary>
    public bool Matches(string arn) => throw new NotImplementedException();
}
