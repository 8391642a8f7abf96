"""audit_log.resource: 64 characters, for a kind with its subject (cohort_plan:<tag> is up to 44)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 05:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_log') as batch_op:
        batch_op.alter_column('resource', existing_type=sa.String(length=32), type_=sa.String(length=64),
                              existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_log') as batch_op:
        batch_op.alter_column('resource', existing_type=sa.String(length=64), type_=sa.String(length=32),
                              existing_nullable=False)
