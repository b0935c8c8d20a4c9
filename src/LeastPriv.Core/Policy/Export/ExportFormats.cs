namespace LeastPriv;

/// <summary>What Export-LPPolicy writes.</summary>
public enum LPExportFormat
{
    /// <summary>The IAM policy JSON, indented.</summary>
    Json,

    /// <summary>A CloudFormation template with an AWS::IAM::ManagedPolicy resource per part.</summary>
    CloudFormation,

    /// <summary>Terraform configuration with an aws_iam_policy resource per part.</summary>
    Terraform,
}

/// <summary>The syntax of an exported CloudFormation template.</summary>
public enum LPCloudFormationFormat
{
    Yaml,
    Json,
}

/// <summary>How an exported Terraform configuration carries the policy document.</summary>
public enum LPTerraformStyle
{
    /// <summary><c>policy = jsonencode({...})</c>: the JSON written as an HCL object.</summary>
    JsonEncode,

    /// <summary>An <c>aws_iam_policy_document</c> data source with statement blocks.</summary>
    PolicyDocument,
}
