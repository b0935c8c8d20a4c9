data "aws_iam_policy_document" "app_deployer" {
  version = "2012-10-17"

  statement {
    sid       = "AllowS3"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["arn:aws:s3:::app-bucket/$${aws:username}/*"]
  }

  statement {
    sid       = "AllowDynamodb"
    effect    = "Allow"
    actions   = ["dynamodb:Query"]
    resources = [
      "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders",
      "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/index/*",
    ]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = ["eu-west-1"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["true"]
    }
  }

  statement {
    sid       = "DenyIam"
    effect    = "Deny"
    actions   = ["iam:*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "app_deployer" {
  name        = "app-deployer"
  description = "Least-privilege policy exported by LeastPriv"
  policy      = data.aws_iam_policy_document.app_deployer.json
}
