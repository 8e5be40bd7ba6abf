"""An organisation's own data sets (versions) and their aggregates per region and period.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "datasets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("current", sa.Boolean, nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("key_kind", sa.String(16), nullable=False),
        sa.Column("value_label", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_datasets_organisation_id", "datasets", ["organisation_id"])
    op.create_table(
        "dataset_values",
        sa.Column(
            "dataset_id",
            sa.Integer,
            sa.ForeignKey("datasets.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("level", sa.String(16), primary_key=True),
        sa.Column("region", sa.String(16), primary_key=True),
        sa.Column("period", sa.String(16), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("total", sa.Float, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("dataset_values")
    op.drop_table("datasets")
